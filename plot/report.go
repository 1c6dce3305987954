package plot

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Report draws the report of samples (see the package documentation for its sections and panels) and
// writes it to w as one SVG document. At least one sample must have succeeded.
func Report(w io.Writer, samples []Sample) error {
	ok, failed := succeeded(samples)
	if len(ok) == 0 {
		return fmt.Errorf("draw report: all %d invocations failed, no times to plot: %w", failed, ErrNoSamples)
	}
	for _, s := range ok {
		if s.ClientNS <= 0 {
			return fmt.Errorf("draw report: sample of %s (request %q) has client_ns %d, want a positive duration", s.Function, s.RequestID, s.ClientNS)
		}
	}
	st := newSeriesStyle(ok)
	var drawn []drawnSection
	secs := sections(samples)
	height := pad + pageHeaderHeight
	for _, sec := range secs {
		d, err := drawSection(sec, st)
		if err != nil {
			return fmt.Errorf("draw report: %w", err)
		}
		drawn = append(drawn, d)
		height += d.height()
	}

	canvas := vgsvg.NewWith(vgsvg.UseWH(pageWidth, height), vgsvg.EmbedFonts(true))
	dc := draw.New(canvas)
	top := dc.Max.Y - pad
	drawPageHeader(dc, top, len(secs), len(ok), failed, st)
	top -= pageHeaderHeight
	for i, d := range drawn {
		c := dc
		c.Max.Y, c.Min.Y = top, top-d.height()
		d.draw(c, i == 0)
		top -= d.height()
	}
	if _, err := canvas.WriteTo(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// drawSection draws the panels of one section.
func drawSection(sec section, st seriesStyle) (drawnSection, error) {
	d := drawnSection{section: sec}
	if len(sec.ok) == 0 {
		return d, nil
	}
	var err error
	if d.cdf, d.cdfLegend, err = cdfPlot(sec, st); err != nil {
		return d, err
	}
	if d.box, d.boxLegend, err = coldWarmPlot(sec, st); err != nil {
		return d, err
	}
	if d.phases, d.phaseLegend, err = phasePlot(sec, st); err != nil {
		return d, err
	}
	d.series = len(d.cdfLegend)
	return d, nil
}

// WriteReport reads dir/samples.jsonl and writes the report of the samples keep keeps (the zero Filter keeps
// all) to out, or to dir/report.svg when out is "". It returns the path written.
func WriteReport(dir, out string, keep Filter) (string, error) {
	samples, err := readSamples(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		return "", err
	}
	if samples, err = keep.Apply(samples); err != nil {
		return "", fmt.Errorf("draw report: %w", err)
	}
	if out == "" {
		out = filepath.Join(dir, "report.svg")
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".report-*.svg")
	if err != nil {
		return "", fmt.Errorf("write report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := Report(f, samples); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write report %s: %w", out, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return "", fmt.Errorf("write report %s: %w", out, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return "", fmt.Errorf("write report %s: %w", out, err)
	}
	return out, nil
}
