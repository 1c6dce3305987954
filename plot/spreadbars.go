package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// bar is one bar of a spreadBars: its length (a median), the whisker drawn over it (lo to hi), its label,
// and how many values it summarises (none: no bar).
type bar struct {
	n             int
	value, lo, hi float64
	label         string
}

// spreadBars is a plotter of horizontal bars, one per row of a nominal Y axis (row i at y = i), shifted up
// or down by offset: each bar runs from 0 to its value, a whisker with a cap at each end runs from lo to hi,
// and its label is written after whichever ends further right. The rows of several spreadBars with different
// offsets sit side by side, as grouped bars.
type spreadBars struct {
	bars   []bar
	offset vg.Length // of the bars' centre from the row's, up
	width  vg.Length
	color  color.Color
}

// Plot draws the bars.
func (b *spreadBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	whisker := draw.LineStyle{Color: color.Gray{0x33}, Width: vg.Points(1)}
	label := textStyle(9)
	label.XAlign, label.YAlign = draw.XLeft, draw.YCenter
	for i, br := range b.bars {
		if br.n == 0 {
			continue
		}
		y := trY(float64(i)) + b.offset
		x0, x1 := trX(0), trX(br.value)
		c.FillPolygon(b.color, c.ClipPolygonXY([]vg.Point{
			{X: x0, Y: y - b.width/2}, {X: x1, Y: y - b.width/2}, {X: x1, Y: y + b.width/2}, {X: x0, Y: y + b.width/2},
		}))
		lo, hi := trX(br.lo), trX(br.hi)
		c.StrokeLines(whisker, c.ClipLinesX([]vg.Point{{X: lo, Y: y}, {X: hi, Y: y}})...)
		for _, x := range []vg.Length{lo, hi} {
			c.StrokeLine2(whisker, x, y-b.width/2+1, x, y+b.width/2-1)
		}
		end := max(x1, hi)
		c.FillText(label, vg.Point{X: end + vg.Points(3), Y: y}, br.label)
	}
}

// DataRange is the range of the bars: x from 0 to the furthest end, y over the rows.
func (b *spreadBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	for _, br := range b.bars {
		if br.n > 0 {
			xmax = math.Max(xmax, math.Max(br.value, br.hi))
		}
	}
	return 0, xmax, 0, float64(len(b.bars) - 1)
}
