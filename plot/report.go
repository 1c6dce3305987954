package plot

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Report draws the report of samples (see the package documentation for its sections and panels) and
// writes it to w as one SVG document. At least one sample must have succeeded.
func Report(w io.Writer, samples []Sample) error {
	return render(w, samples, func(width, height vg.Length) vg.CanvasWriterTo {
		return vgsvg.NewWith(vgsvg.UseWH(width, height), vgsvg.EmbedFonts(true))
	})
}

// pngDPI is the resolution of a PNG report: 1100 pixels across the page.
const pngDPI = 100

// ReportPNG draws the report of samples as Report does, and writes it to w as a PNG image, 1100 pixels wide.
func ReportPNG(w io.Writer, samples []Sample) error {
	return render(w, samples, func(width, height vg.Length) vg.CanvasWriterTo {
		return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(pngDPI))}
	})
}

// render draws the report of samples on the canvas newCanvas makes at the page's size and writes it to w.
func render(w io.Writer, samples []Sample, newCanvas func(width, height vg.Length) vg.CanvasWriterTo) error {
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
	key := pageKey(st, len(measured(ok)) > 0)
	height := pad + pageHeaderFor(key)
	for _, sec := range secs {
		d, err := drawSection(sec, st)
		if err != nil {
			return fmt.Errorf("draw report: %w", err)
		}
		drawn = append(drawn, d)
		height += d.height()
	}

	canvas := newCanvas(pageWidth, height)
	dc := draw.New(canvas)
	top := dc.Max.Y - pad
	drawPageHeader(dc, top, len(secs), len(ok), failed, key)
	top -= pageHeaderFor(key)
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
	d.measurement = measurementPanels(sec, st)
	return d, nil
}

// WriteReport reads dir/samples.jsonl and writes the report of the samples keep keeps (the zero Filter keeps
// all) to out, or to dir/report.svg when out is "": a PNG image when out ends in ".png", SVG otherwise. It
// returns the path written.
func WriteReport(dir, out string, keep Filter) (string, error) {
	samples, err := Load(dir, keep)
	if err != nil {
		return "", err
	}
	path := ReportPath(dir, out)
	if err := Save(path, samples); err != nil {
		return "", err
	}
	return path, nil
}

// Load reads dir/samples.jsonl and returns the samples keep keeps (the zero Filter keeps all). A filter that
// keeps none is an error wrapping [ErrNoSamples].
func Load(dir string, keep Filter) ([]Sample, error) {
	samples, err := readSamples(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		return nil, err
	}
	if samples, err = keep.Apply(samples); err != nil {
		return nil, fmt.Errorf("draw report: %w", err)
	}
	return samples, nil
}

// ReportPath is where WriteReport writes the report of the run in dir: out, or dir/report.svg when out is "".
func ReportPath(dir, out string) string {
	if out == "" {
		return filepath.Join(dir, "report.svg")
	}
	return out
}

// Save writes the report of samples to the file out, as a PNG image when its name ends in ".png" and as SVG
// otherwise; it replaces the file whole or leaves it as it was.
func Save(out string, samples []Sample) error {
	ext, write := filepath.Ext(out), Report
	if strings.EqualFold(ext, ".png") {
		write = ReportPNG
	} else {
		ext = ".svg"
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".report-*"+ext)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := write(f, samples); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", out, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("write report %s: %w", out, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("write report %s: %w", out, err)
	}
	return nil
}
