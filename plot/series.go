package plot

import (
	"cmp"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"
)

// knownSizes and knownModes fix the order of the sizes and modes SeBS uses; others follow, sorted.
var (
	knownSizes = []string{"test", "small", "large"}
	knownModes = []string{"warm", "sequential", "cold", "burst"}
)

// seriesStyle names, orders and styles the series of a report, the same way in every section: a series is
// one language, size and mode (and function, where a benchmark has several). Colour tells the language (hue)
// and size (shade) apart, dash the mode.
type seriesStyle struct {
	languages, sizes, modes []string
}

// newSeriesStyle styles the series of the samples that succeeded.
func newSeriesStyle(samples []Sample) seriesStyle {
	langs, sizes, modes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range samples {
		if s.Failed() {
			continue
		}
		langs[s.Language], sizes[s.Size], modes[s.Mode] = true, true, true
	}
	return seriesStyle{languages: ordered(langs, nil), sizes: ordered(sizes, knownSizes), modes: ordered(modes, knownModes)}
}

// ordered returns the keys of set: first those in known, in its order, then the others, sorted.
func ordered(set map[string]bool, known []string) []string {
	var out, rest []string
	for _, k := range known {
		if set[k] {
			out = append(out, k)
		}
	}
	for k := range set {
		if !slices.Contains(known, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// variant labels a sample's language and size, leaving out what the whole report holds one value of; the
// function is added when the sample's section holds several.
func (st seriesStyle) variant(s Sample, functions bool) string {
	var parts []string
	if functions {
		parts = append(parts, s.Function)
	}
	if len(st.languages) > 1 && s.Language != "" {
		parts = append(parts, s.Language)
	}
	if len(st.sizes) > 1 && s.Size != "" {
		parts = append(parts, s.Size)
	}
	if len(parts) == 0 {
		return s.Function
	}
	return strings.Join(parts, " ")
}

// series labels a sample's variant and mode.
func (st seriesStyle) series(s Sample, functions bool) string {
	v := st.variant(s, functions)
	if s.Mode == "" {
		return v
	}
	if len(st.languages) <= 1 && len(st.sizes) <= 1 && !functions {
		return s.Mode
	}
	return v + " / " + s.Mode
}

// compare orders samples by function, language, size and mode.
func (st seriesStyle) compare(a, b Sample) int {
	return cmp.Or(
		strings.Compare(a.Function, b.Function),
		cmp.Compare(slices.Index(st.languages, a.Language), slices.Index(st.languages, b.Language)),
		cmp.Compare(slices.Index(st.sizes, a.Size), slices.Index(st.sizes, b.Size)),
		cmp.Compare(slices.Index(st.modes, a.Mode), slices.Index(st.modes, b.Mode)),
	)
}

// sorted orders groups by their first sample.
func (st seriesStyle) sorted(groups []group) []group {
	slices.SortStableFunc(groups, func(a, b group) int { return st.compare(a.samples[0], b.samples[0]) })
	return groups
}

// hues are the colour families of languages, each dark to light: one shade per size.
var hues = [][]color.RGBA{
	{{0x08, 0x45, 0x94, 0xff}, {0x42, 0x92, 0xc6, 0xff}, {0x9e, 0xca, 0xe1, 0xff}}, // blue
	{{0xa6, 0x36, 0x03, 0xff}, {0xf1, 0x69, 0x13, 0xff}, {0xfd, 0xae, 0x6b, 0xff}}, // orange
	{{0x00, 0x6d, 0x2c, 0xff}, {0x41, 0xab, 0x5d, 0xff}, {0xa1, 0xd9, 0x9b, 0xff}}, // green
	{{0x54, 0x27, 0x8f, 0xff}, {0x80, 0x7d, 0xba, 0xff}, {0xbc, 0xbd, 0xdc, 0xff}}, // purple
	{{0x99, 0x00, 0x0d, 0xff}, {0xef, 0x3b, 0x2c, 0xff}, {0xfc, 0x92, 0x72, 0xff}}, // red
	{{0x25, 0x25, 0x25, 0xff}, {0x73, 0x73, 0x73, 0xff}, {0xbd, 0xbd, 0xbd, 0xff}}, // grey
}

// color is the colour of a sample's language and size.
func (st seriesStyle) color(s Sample) color.Color {
	l, z := max(0, slices.Index(st.languages, s.Language)), max(0, slices.Index(st.sizes, s.Size))
	if len(st.languages) == 1 && len(st.sizes) <= len(hues) { // one language: a hue per size reads better
		return hues[z%len(hues)][0]
	}
	family := hues[l%len(hues)]
	return family[z%len(family)]
}

// dashNames describe modeDashes in the report's key.
var dashNames = []string{"solid", "long dashes", "dots", "dash-dot", "short dashes", "longer dashes"}

// modeDashes are the dash patterns of modes, in the order of the report's modes.
var modeDashes = [][]vg.Length{
	{},
	{vg.Points(7), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2.5)},
	{vg.Points(7), vg.Points(2.5), vg.Points(1.5), vg.Points(2.5)},
	{vg.Points(3), vg.Points(3)},
	{vg.Points(12), vg.Points(3)},
}

// dashes is the dash pattern of a sample's mode.
func (st seriesStyle) dashes(s Sample) []vg.Length {
	return modeDashes[max(0, slices.Index(st.modes, s.Mode))%len(modeDashes)]
}
