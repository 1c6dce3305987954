package plot

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// stepColors are the colours of the measured steps, in the order of timedSteps: download, compute, upload
// (a storage call's), then others.
var stepColors = []color.Color{
	color.RGBA{0x42, 0x92, 0xc6, 0xff},
	color.RGBA{0x74, 0xc4, 0x76, 0xff},
	color.RGBA{0xf1, 0x69, 0x13, 0xff},
	color.RGBA{0x80, 0x7d, 0xba, 0xff},
	color.RGBA{0x96, 0x96, 0x96, 0xff},
}

// The bars of the measurement panels: one per step, measureBarPitch apart, in a row per series.
const (
	measureBarWidth = vg.Length(8)
	measureBarPitch = vg.Length(9.5)
	measureRowGap   = vg.Length(9)
)

// measurementRows groups the samples of a section whose measurement holds a time by series, the first series
// last (the Y axis counts up: it is drawn on top), and names the rows with their counts.
func measurementRows(sec section, st seriesStyle) (groups []group, names []string) {
	groups = st.sorted(groupBy(measured(sec.ok), func(s Sample) string { return st.series(s, sec.functions) }))
	slices.Reverse(groups)
	for _, g := range groups {
		names = append(names, fmt.Sprintf("%s (n=%d)", g.label, len(g.samples)))
	}
	return groups, names
}

// stepPanel is one panel of the measurement row: its titles, the bar of a row's samples for a step, and the
// legend's name of a step.
type stepPanel struct {
	title, xLabel string
	barOf         func(samples []Sample, step string) bar
	legendName    func(step string) string
}

// timesPanel shows the steps' times per call: a bar to the median, a whisker from it to the 95th percentile.
var timesPanel = stepPanel{
	title:  "Handler's own times per call (its measurement): median, whisker to p95",
	xLabel: "time per call (ms)",
	barOf: func(samples []Sample, step string) bar {
		sp := spreadOf(stepMS(samples, step))
		return bar{n: sp.n, value: sp.median, lo: sp.median, hi: sp.p95, label: formatMS(sp.median)}
	},
	legendName: func(step string) string { return step + " (" + step + timeSuffix + ")" },
}

// ratesPanel shows the transfers' throughput per call: a bar to the median, a whisker from the 5th to the
// 95th percentile.
var ratesPanel = stepPanel{
	title:  "Throughput per call (size / time): median, whisker p5 to p95",
	xLabel: "throughput per call (MB/s)",
	barOf: func(samples []Sample, step string) bar {
		v := throughputMBps(samples, step)
		median := nearestRank(v, 50)
		return bar{n: len(v), value: median, lo: nearestRank(v, 5), hi: nearestRank(v, 95), label: formatMBps(median)}
	},
	legendName: func(step string) string { return step + " (" + step + sizeSuffix + " / " + step + timeSuffix + ")" },
}

// measurementRow is the row of panels a section gets when its calls returned a measurement with times.
type measurementRow struct {
	times, rates             *plot.Plot // rates is nil when no step has sizes
	timesLegend, ratesLegend []legendEntry
	series, steps            int // rows of the panels, timed steps in each
}

// measurementPanels draws the measurement row of a section: the steps' times per call and, when some steps
// have sizes too, their throughput. It returns nil for a section without a measurement that holds times.
func measurementPanels(sec section, st seriesStyle) *measurementRow {
	groups, names := measurementRows(sec, st)
	if len(groups) == 0 {
		return nil
	}
	all := measured(sec.ok)
	steps := timedSteps(all)
	m := &measurementRow{series: len(groups), steps: len(steps)}
	m.times, m.timesLegend = timesPanel.draw(groups, names, steps)
	if moved := transfers(all); len(moved) > 0 {
		m.rates, m.ratesLegend = ratesPanel.draw(groups, names, moved)
	}
	return m
}

// draw draws the panel: per row (group), one bar per step, coloured by the step.
func (sp stepPanel) draw(groups []group, names, steps []string) (*plot.Plot, []legendEntry) {
	p := plot.New()
	p.Title.Text = sp.title
	p.X.Label.Text = sp.xLabel
	p.Add(plotter.NewGrid())
	var legend []legendEntry
	xmax := 0.0
	for k, step := range steps {
		sb := &spreadBars{
			bars:   make([]bar, len(groups)),
			offset: (vg.Length(len(steps)-1)/2 - vg.Length(k)) * measureBarPitch, // the first step on top
			width:  measureBarWidth,
			color:  stepColor(step, k),
		}
		for i, g := range groups {
			sb.bars[i] = sp.barOf(g.samples, step)
		}
		_, hi, _, _ := sb.DataRange()
		xmax = max(xmax, hi)
		p.Add(sb)
		legend = append(legend, legendEntry{sp.legendName(step), swatch{sb.color}})
	}
	if xmax <= 0 {
		xmax = 1 // every figure 0: an axis all the same
	}
	p.X.Min, p.X.Max = 0, xmax*1.3 // room for the labels
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(groups))-0.4
	return p, legend
}

// stepColor is the colour of a step: the known steps' own, then the others' in turn.
func stepColor(step string, k int) color.Color {
	if i := slices.Index(stepOrder, step); i >= 0 {
		return stepColors[i]
	}
	return stepColors[len(stepOrder)+k%(len(stepColors)-len(stepOrder))]
}

// formatMBps writes a throughput in MB/s with about three significant digits.
func formatMBps(v float64) string { return threeDigits(v) + " MB/s" }
