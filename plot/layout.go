package plot

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The page: sections one above the other, each a header, the CDF with its legend at the right, then the
// cold/warm boxes beside the phase bars, their legends below them.
const (
	pageWidth        = 11 * vg.Inch
	pad              = vg.Length(10)
	cdfLegendW       = vg.Length(3.3 * vg.Inch)
	boxWidth         = vg.Length(3.6 * vg.Inch)
	headerHeight     = vg.Length(0.55 * vg.Inch)
	pageHeaderHeight = vg.Length(1.2 * vg.Inch)
	legendFont       = vg.Length(11)
	legendRow        = vg.Length(17)
	thumbWidth       = vg.Length(34)
	minPanel         = vg.Length(4 * vg.Inch)
	phaseBarPitch    = vg.Length(19)
)

// legendEntry is one line of a legend: a name and the thumbnail drawn before it.
type legendEntry struct {
	name  string
	thumb plot.Thumbnailer
}

// drawnSection is a section with its panels drawn but not yet placed.
type drawnSection struct {
	section
	cdf, box, phases                  *plot.Plot
	cdfLegend, boxLegend, phaseLegend []legendEntry
	series                            int
}

// heights returns the heights of the section's two rows of panels.
func (d drawnSection) heights() (cdfRow, barRow vg.Length) {
	if d.cdf == nil {
		return 0, 0
	}
	cdfRow = max(minPanel, vg.Length(d.series)*legendRow+0.8*vg.Inch)
	barRow = max(minPanel, vg.Length(d.series)*phaseBarPitch+1.4*vg.Inch) + 2*legendRow + 2*pad
	return cdfRow, barRow
}

// height is the section's height on the page.
func (d drawnSection) height() vg.Length {
	a, b := d.heights()
	return headerHeight + a + b
}

// draw draws the section into c, whose top is the section's top.
func (d drawnSection) draw(c draw.Canvas, first bool) {
	top := c.Max.Y
	if !first { // a rule between sections
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{0x99}, Width: vg.Points(1)}, c.Min.X+pad, top, c.Max.X-pad, top)
	}
	header := textStyle(18)
	header.YAlign = draw.YTop
	title := d.name
	if d.cdf == nil {
		title += ": all " + strconv.Itoa(d.failed) + " invocations failed, no times to plot"
	} else {
		title += ": " + strconv.Itoa(len(d.ok)) + " invocations" + excluded(d.failed)
	}
	c.FillText(header, vg.Point{X: c.Min.X + pad, Y: top - pad}, title)
	if d.cdf == nil {
		return
	}
	cdfRow, barRow := d.heights()
	top -= headerHeight

	area := sub(c, c.Min.X+pad, top-cdfRow+pad, c.Max.X-cdfLegendW, top)
	d.cdf.Draw(area)
	legendTop := top - pad - 2*d.cdf.Title.TextStyle.Height(d.cdf.Title.Text)
	drawLegend(sub(c, c.Max.X-cdfLegendW+pad, top-cdfRow, c.Max.X-pad, legendTop), d.cdfLegend, 1)
	top -= cdfRow

	bottom := top - barRow
	legendBand := 2*legendRow + 2*pad
	d.box.Draw(sub(c, c.Min.X+pad, bottom+legendBand, c.Min.X+boxWidth, top))
	drawLegend(sub(c, c.Min.X+pad+0.6*vg.Inch, bottom, c.Min.X+boxWidth, bottom+legendBand), d.boxLegend, 2)
	d.phases.Draw(sub(c, c.Min.X+boxWidth+2*pad, bottom+legendBand, c.Max.X-pad, top))
	drawLegend(sub(c, c.Min.X+boxWidth+2*pad+1.2*vg.Inch, bottom, c.Max.X-pad, bottom+legendBand), d.phaseLegend, 2)
}

// drawPageHeader writes the report's title and how to read its colours and dashes below top.
func drawPageHeader(c draw.Canvas, top vg.Length, benchmarks, ok, failed int, st seriesStyle) {
	title := textStyle(20)
	title.YAlign = draw.YTop
	plural := "s"
	if benchmarks == 1 {
		plural = ""
	}
	c.FillText(title, vg.Point{X: c.Min.X + pad, Y: top},
		fmt.Sprintf("Benchmark report: %d benchmark%s, %d invocations%s", benchmarks, plural, ok, excluded(failed)))
	key := textStyle(12)
	key.YAlign = draw.YTop
	lines := []string{"One section per benchmark; in each, a series is a language, size and mode."}
	if len(st.languages) > 1 || len(st.sizes) > 1 {
		var parts []string
		if len(st.languages) > 1 {
			parts = append(parts, "hue = language ("+strings.Join(st.languages, ", ")+")")
		}
		if len(st.sizes) > 1 {
			parts = append(parts, "shade, dark to light = size ("+strings.Join(st.sizes, ", ")+")")
		}
		lines = append(lines, "Colour: "+strings.Join(parts, "; ")+".")
	}
	if len(st.modes) > 1 {
		var modes []string
		for i, m := range st.modes {
			modes = append(modes, m+" "+dashNames[i%len(dashNames)])
		}
		lines = append(lines, "Line: mode ("+strings.Join(modes, ", ")+").")
	}
	for i, l := range lines {
		c.FillText(key, vg.Point{X: c.Min.X + pad, Y: top - 30 - vg.Length(i)*15}, l)
	}
}

// sub is the part of c between x0 and x1, y0 and y1.
func sub(c draw.Canvas, x0, y0, x1, y1 vg.Length) draw.Canvas {
	c.Min.X, c.Min.Y, c.Max.X, c.Max.Y = x0, y0, x1, y1
	return c
}

// drawLegend draws entries in columns, top to bottom then left to right, from the top left of c.
func drawLegend(c draw.Canvas, entries []legendEntry, columns int) {
	perColumn := (len(entries) + columns - 1) / columns
	x := c.Min.X
	for start := 0; start < len(entries); start += perColumn {
		l := plot.NewLegend()
		l.TextStyle = textStyle(legendFont)
		l.ThumbnailWidth = thumbWidth
		l.Top, l.Left = true, true
		l.Padding = vg.Points(2.5)
		for _, e := range entries[start:min(start+perColumn, len(entries))] {
			l.Add(e.name, e.thumb)
		}
		col := sub(c, x, c.Min.Y, c.Max.X, c.Max.Y)
		l.Draw(col)
		x += l.Rectangle(col).Size().X + 3*pad
	}
}

// textStyle is the report's text style at a size. It is never bold: a second face would embed a second font
// of some 500 kB in the SVG.
func textStyle(size vg.Length) text.Style {
	return text.Style{Font: font.From(plot.DefaultFont, size), Handler: plot.DefaultTextHandler}
}
