package plot

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// coldWarm are the two kinds of invocations of the second panel, with their box colours.
var coldWarm = []struct {
	name  string
	cold  bool
	color color.Color
}{
	{"cold", true, color.RGBA{0x6b, 0xae, 0xd6, 0xff}},
	{"warm", false, color.RGBA{0xfd, 0xae, 0x6b, 0xff}},
}

// coldWarmPlot draws a section's second panel: per language and size, a box plot of the client times of
// cold invocations beside one of warm invocations.
func coldWarmPlot(sec section, st seriesStyle) (p *plot.Plot, legend []legendEntry, err error) {
	p = plot.New()
	p.Title.Text = "Client time, cold against warm"
	p.Y.Label.Text = "client time (ms)"
	p.Add(plotter.NewGrid())
	if all := clientMS(sec.ok); wideSpread(all) {
		p.Y.Min, p.Y.Max = all[0]/1.3, all[len(all)-1]*1.3 // room around the extreme boxes
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text += ", log scale"
	}

	groups := st.sorted(groupBy(sec.ok, func(s Sample) string { return st.variant(s, sec.functions) }))
	names := make([]string, len(groups))
	width := vg.Points(16)
	for k, kind := range coldWarm {
		present := false
		for i, g := range groups {
			names[i] = strings.Replace(g.label, " ", "\n", 1) // two short lines, not one long one
			var ms plotter.Values
			for _, s := range g.samples {
				if s.IsCold == kind.cold {
					ms = append(ms, nsToMS(s.ClientNS))
				}
			}
			if len(ms) == 0 {
				continue
			}
			box, err := plotter.NewBoxPlot(width, float64(i), ms)
			if err != nil {
				return nil, nil, fmt.Errorf("%s box of %s %s: %w", kind.name, sec.name, g.label, err)
			}
			box.Offset = (vg.Length(k) - 0.5) * width * 1.2
			box.FillColor = kind.color
			box.GlyphStyle.Shape = draw.CircleGlyph{}
			box.GlyphStyle.Radius = vg.Points(1.5)
			p.Add(box)
			present = true
		}
		if present {
			legend = append(legend, legendEntry{kind.name, swatch{kind.color}})
		}
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(groups))-0.4
	return p, legend, nil
}

// swatch is a legend entry: a filled square of one colour.
type swatch struct{ color color.Color }

// Thumbnail fills the legend's thumbnail area.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.color, c.ClipPolygonXY([]vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	}))
}
