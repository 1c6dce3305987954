package plot

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// MeasurementTable writes the figures of the measurement row (see the package documentation) as text: for
// each benchmark whose calls returned a measurement with times, one line per series with the number of such
// calls, each step's median and 95th-percentile time per call in ms and, for each step with sizes too (a
// transfer), its median size and median throughput per call (size / time, in MB/s). Failed calls are left
// out. It writes nothing when no sample has such a measurement.
func MeasurementTable(w io.Writer, samples []Sample) error {
	ok, _ := succeeded(samples)
	st := newSeriesStyle(ok)
	var b strings.Builder
	for _, sec := range sections(samples) {
		groups, _ := measurementRows(sec, st)
		if len(groups) == 0 {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("Handlers' own measurement per call: times in ms as median / p95; size and throughput (size / time) as medians.\n")
		}
		all := measured(sec.ok)
		steps, moved := timedSteps(all), transfers(all)
		fmt.Fprintf(&b, "\n%s: %d calls with a measurement\n", sec.name, len(all))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		head := []string{"series", "calls"}
		for _, step := range steps {
			head = append(head, step+" ms")
		}
		for _, step := range moved {
			head = append(head, step+" size", step+" MB/s")
		}
		fmt.Fprintln(tw, strings.Join(head, "\t"))
		for i := len(groups) - 1; i >= 0; i-- { // measurementRows puts the first series last
			g := groups[i]
			row := []string{g.label, strconv.Itoa(len(g.samples))}
			for _, step := range steps {
				sp := spreadOf(stepMS(g.samples, step))
				row = append(row, tableCell(sp.n, threeDigits(sp.median)+" / "+threeDigits(sp.p95)))
			}
			for _, step := range moved {
				sizes, rates := stepBytes(g.samples, step), throughputMBps(g.samples, step)
				row = append(row, tableCell(len(sizes), formatBytes(nearestRank(sizes, 50))),
					tableCell(len(rates), threeDigits(nearestRank(rates, 50))))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("measurement table of %s: %w", sec.name, err)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write measurement table: %w", err)
	}
	return nil
}

// tableCell is the cell of a figure of n values: text, or "-" when there are none.
func tableCell(n int, text string) string {
	if n == 0 {
		return "-"
	}
	return text
}

// formatBytes writes a size in bytes with decimal units (kB = 1000 bytes, as MB/s is 10⁶ bytes per second).
func formatBytes(b float64) string {
	switch {
	case b < 1e3:
		return fmt.Sprintf("%.0f B", b)
	case b < 1e6:
		return fmt.Sprintf("%.1f kB", b/1e3)
	case b < 1e9:
		return fmt.Sprintf("%.1f MB", b/1e6)
	default:
		return fmt.Sprintf("%.1f GB", b/1e9)
	}
}
