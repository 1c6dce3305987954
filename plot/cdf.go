package plot

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// cdfPlot draws a section's first panel: one empirical CDF of client time per series (language, size and
// mode), coloured by language and size, dashed by mode.
func cdfPlot(sec section, st seriesStyle) (p *plot.Plot, legend []legendEntry, err error) {
	p = plot.New()
	p.Title.Text = "Client time CDF per language, size and mode"
	p.X.Label.Text = "client time (ms)"
	p.Y.Label.Text = "fraction of invocations ≤ x"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())

	if wideSpread(clientMS(sec.ok)) {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Label.Text += ", log scale"
	}
	for _, g := range st.sorted(groupBy(sec.ok, func(s Sample) string { return st.series(s, sec.functions) })) {
		ms := clientMS(g.samples)
		line, err := plotter.NewLine(steps(ms))
		if err != nil {
			return nil, nil, fmt.Errorf("CDF of %s %s: %w", sec.name, g.label, err)
		}
		line.Color = st.color(g.samples[0])
		line.Dashes = st.dashes(g.samples[0])
		line.Width = vg.Points(1.6)
		p.Add(line)
		legend = append(legend, legendEntry{fmt.Sprintf("%s (n=%d)", g.label, len(ms)), line})
	}
	return p, legend, nil
}

// excluded is the suffix that says how many failed invocations were left out.
func excluded(failed int) string {
	if failed == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d failed invocations left out)", failed)
}

// maxSteps bounds the steps drawn of one CDF: more would not show at the report's size but would swell it.
const maxSteps = 400

// steps is the empirical CDF of sorted values as a step function, up by 1/n at every value; of more than
// maxSteps values, only maxSteps evenly spaced ranks (and the last) are drawn.
func steps(sorted []float64) plotter.XYs {
	n := len(sorted)
	stride := max(1, (n+maxSteps-1)/maxSteps)
	pts := make(plotter.XYs, 0, 2*(n/stride+2))
	for j := 0; j < n; j += stride {
		pts = append(pts, plotter.XY{X: sorted[j], Y: float64(j) / float64(n)}, plotter.XY{X: sorted[j], Y: float64(j+1) / float64(n)})
	}
	if last := n - 1; last%stride != 0 {
		pts = append(pts, plotter.XY{X: sorted[last], Y: float64(last) / float64(n)}, plotter.XY{X: sorted[last], Y: 1})
	}
	return pts
}
