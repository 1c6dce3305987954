package plot

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Phase is one slice of an invocation's client time in the phase panel. The four phases of a sample add up
// to its client time.
type Phase struct {
	// Name labels the phase in the legend.
	Name string
	// NS returns the phase's duration in a sample, in ns.
	NS func(Sample) int64
}

// Phases are the stacked slices of the phase panel, bottom to top:
//
//	connect = http_startup_ns                              until the request could be sent
//	server  = server_ns                                    the function's own time
//	wait    = first_byte_ns − http_startup_ns − server_ns   network, HTTP and wrapper, at least 0
//	read    = client_ns − first_byte_ns                    reading the body, at least 0
//
// When the server time exceeds the time to first byte (clocks disagree), wait is 0 and the phases add up to
// slightly more than the client time.
func Phases() []Phase {
	return []Phase{
		{"connect (http_startup)", func(s Sample) int64 { return s.HTTPStartupNS }},
		{"server (server_ns)", func(s Sample) int64 { return s.ServerNS }},
		{"wait (first byte − connect − server)", func(s Sample) int64 {
			return max(0, s.FirstByteNS-s.HTTPStartupNS-s.ServerNS)
		}},
		{"read (client − first byte)", func(s Sample) int64 { return max(0, s.ClientNS-s.FirstByteNS) }},
	}
}

// phaseColors are the colours of the phases, bottom to top.
var phaseColors = []color.Color{
	color.RGBA{0x8d, 0xa0, 0xcb, 0xff},
	color.RGBA{0x66, 0xc2, 0xa5, 0xff},
	color.RGBA{0xfc, 0x8d, 0x62, 0xff},
	color.RGBA{0xe7, 0x8a, 0xc3, 0xff},
}

// phasePlot draws a section's third panel: per series, horizontal bars of the mean of each phase, stacked,
// with the mean client time written at the end of each bar. When the slowest series is over 20 times the
// fastest, the bars show each phase's share of the mean instead, so that the fast series stay readable.
func phasePlot(sec section, st seriesStyle) (p *plot.Plot, legend []legendEntry, err error) {
	p = plot.New()
	p.Title.Text = "Phases of the client time: mean per invocation"
	p.Add(plotter.NewGrid())

	groups := st.sorted(groupBy(sec.ok, func(s Sample) string { return st.series(s, sec.functions) }))
	slices.Reverse(groups) // the first series on top
	phases := Phases()
	means := make([]plotter.Values, len(phases))
	totals := make([]float64, len(groups))
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = fmt.Sprintf("%s (n=%d)", g.label, len(g.samples))
		for k, ph := range phases {
			var sum float64
			for _, s := range g.samples {
				sum += nsToMS(ph.NS(s))
			}
			means[k] = append(means[k], sum/float64(len(g.samples)))
			totals[i] += means[k][i]
		}
	}
	shares := wideSpread(totals)
	if shares {
		p.Title.Text = "Phases of the client time: share of the mean, mean at the right"
		p.X.Label.Text = "share of the mean client time (%), phases stacked"
		for k := range means {
			for i := range means[k] {
				means[k][i] *= 100 / totals[i]
			}
		}
		p.X.Min, p.X.Max = 0, 125
		p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 25, Label: "25"},
			{Value: 50, Label: "50"}, {Value: 75, Label: "75"}, {Value: 100, Label: "100"}})
	} else {
		p.X.Label.Text = "mean time (ms), phases stacked"
		p.X.Min, p.X.Max = 0, slices.Max(totals)*1.25
	}

	var below *plotter.BarChart
	for k, ph := range phases {
		bars, err := plotter.NewBarChart(means[k], vg.Points(12))
		if err != nil {
			return nil, nil, fmt.Errorf("phase %s of %s: %w", ph.Name, sec.name, err)
		}
		bars.Horizontal = true
		bars.Color = phaseColors[k%len(phaseColors)]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		legend = append(legend, legendEntry{ph.Name, bars})
	}

	ends := plotter.XYLabels{XYs: make(plotter.XYs, len(groups)), Labels: make([]string, len(groups))}
	for i, total := range totals {
		ends.XYs[i] = plotter.XY{X: total, Y: float64(i)}
		if shares {
			ends.XYs[i].X = 100
		}
		ends.Labels[i] = formatMS(total)
	}
	labels, err := plotter.NewLabels(ends)
	if err != nil {
		return nil, nil, fmt.Errorf("phase totals of %s: %w", sec.name, err)
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].XAlign, labels.TextStyle[i].YAlign = draw.XLeft, draw.YCenter
	}
	labels.Offset = vg.Point{X: vg.Points(4)}
	p.Add(labels)
	p.NominalY(names...)
	return p, legend, nil
}

// formatMS writes a duration in ms with about three significant digits.
func formatMS(ms float64) string { return threeDigits(ms) + " ms" }

// threeDigits writes a positive number with about three significant digits, without an exponent.
func threeDigits(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}
