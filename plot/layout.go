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
	pageWidth         = 11 * vg.Inch
	pad               = vg.Length(10)
	cdfLegendW        = vg.Length(3.3 * vg.Inch)
	boxWidth          = vg.Length(3.6 * vg.Inch)
	headerHeight      = vg.Length(0.55 * vg.Inch)
	pageHeaderHeight  = vg.Length(1.2 * vg.Inch)
	legendFont        = vg.Length(11)
	legendRow         = vg.Length(17)
	thumbWidth        = vg.Length(34)
	minPanel          = vg.Length(4 * vg.Inch)
	phaseBarPitch     = vg.Length(19)
	measureTimesWidth = vg.Length(6 * vg.Inch)
)

// legendEntry is one line of a legend: a name and the thumbnail drawn before it.
type legendEntry struct {
	name  string
	thumb plot.Thumbnailer
}

// drawnSection is a section with its panels drawn but not yet placed. Its measurement row is nil when its
// calls returned no measurement with times (see measurementPanels).
type drawnSection struct {
	section
	cdf, box, phases                  *plot.Plot
	cdfLegend, boxLegend, phaseLegend []legendEntry
	series                            int
	measurement                       *measurementRow
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

// measurementHeight returns the height of the section's measurement row: 0 when it has none.
func (d drawnSection) measurementHeight() vg.Length {
	m := d.measurement
	if m == nil {
		return 0
	}
	rows := vg.Length(m.series) * (vg.Length(m.steps)*measureBarPitch + measureRowGap)
	return max(3*vg.Inch, rows+1.3*vg.Inch) + 3*legendRow + 2*pad
}

// height is the section's height on the page.
func (d drawnSection) height() vg.Length {
	a, b := d.heights()
	return headerHeight + a + b + d.measurementHeight()
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
	if d.measurement != nil {
		d.measurement.draw(sub(c, c.Min.X, bottom-d.measurementHeight(), c.Max.X, bottom))
	}
}

// draw draws the measurement row into c: the times panel at the left (across the page when there
// is no throughput panel), the throughput panel at the right, their legends below them.
func (m *measurementRow) draw(c draw.Canvas) {
	legendBand := 3*legendRow + 2*pad
	split := c.Max.X - pad
	if m.rates != nil {
		split = c.Min.X + measureTimesWidth
	}
	m.times.Draw(sub(c, c.Min.X+pad, c.Min.Y+legendBand, split, c.Max.Y-pad))
	drawLegend(sub(c, c.Min.X+pad+1.2*vg.Inch, c.Min.Y, split, c.Min.Y+legendBand), m.timesLegend, 1)
	if m.rates != nil {
		m.rates.Draw(sub(c, split+2*pad, c.Min.Y+legendBand, c.Max.X-pad, c.Max.Y-pad))
		drawLegend(sub(c, split+2*pad+1.2*vg.Inch, c.Min.Y, c.Max.X-pad, c.Min.Y+legendBand), m.ratesLegend, 1)
	}
}

// drawPageHeader writes the report's title and the lines of its key (pageKey) below top.
func drawPageHeader(c draw.Canvas, top vg.Length, benchmarks, ok, failed int, key []string) {
	title := textStyle(20)
	title.YAlign = draw.YTop
	plural := "s"
	if benchmarks == 1 {
		plural = ""
	}
	c.FillText(title, vg.Point{X: c.Min.X + pad, Y: top},
		fmt.Sprintf("Benchmark report: %d benchmark%s, %d invocations%s", benchmarks, plural, ok, excluded(failed)))
	style := textStyle(12)
	style.YAlign = draw.YTop
	for i, l := range key {
		c.FillText(style, vg.Point{X: c.Min.X + pad, Y: top - 30 - vg.Length(i)*keyLine}, l)
	}
}

// keyLine is the distance between the lines of the page's key.
const keyLine = vg.Length(15)

// pageKey returns the lines that say how to read the report: what a series is, how colours and dashes tell
// them apart, and, when some section has one (measured), what its measurement row shows.
func pageKey(st seriesStyle, measured bool) []string {
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
	if measured {
		lines = append(lines, "Benchmarks whose calls return a measurement (storage: download, compute, upload) add its times and throughput.")
	}
	return lines
}

// pageHeaderFor is the height of the page's header with the lines of key: room for three lines, more when
// there are more.
func pageHeaderFor(key []string) vg.Length {
	return pageHeaderHeight + vg.Length(max(0, len(key)-3))*keyLine
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
