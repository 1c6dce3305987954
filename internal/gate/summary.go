package gate

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"text/tabwriter"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// PrintComparison writes a benchstat comparison of the two result files to w: the module's own
// `go tool benchstat` when dir's module declares it (`go get -tool golang.org/x/perf/cmd/benchstat`),
// otherwise Summarize's table, which uses the same statistics.
func PrintComparison(ctx context.Context, w io.Writer, dir, basePath, headPath string) error {
	if hasTool(ctx, dir) {
		cmd := exec.CommandContext(ctx, "go", "tool", "benchstat", "base="+basePath, "head="+headPath)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Run(); err == nil {
			return nil
		}
		fmt.Fprintln(w, "sebs-gate: go tool benchstat failed; the built-in summary follows")
	}
	base, err := os.Open(basePath)
	if err != nil {
		return fmt.Errorf("open the base results: %w", err)
	}
	defer base.Close()
	head, err := os.Open(headPath)
	if err != nil {
		return fmt.Errorf("open the head results: %w", err)
	}
	defer head.Close()
	return Summarize(w, base, head)
}

// hasTool reports whether the module around dir declares the benchstat tool.
func hasTool(ctx context.Context, dir string) bool {
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", "benchstat")
	cmd.Dir = dir
	return cmd.Run() == nil
}

// Summarize writes a benchstat-style table of every metric of every benchmark found in both runs: each
// side's median with its 95% confidence interval, then the change of the median, or "~" when the U-test
// finds no significant difference, with the p-value and sample sizes.
func Summarize(w io.Writer, base, head io.Reader) error {
	b, err := samples(base, "base", nil)
	if err != nil {
		return err
	}
	h, err := samples(head, "head", nil)
	if err != nil {
		return err
	}
	byUnit := map[string][]string{}
	for k := range h {
		if _, ok := b[k]; ok {
			byUnit[k[1]] = append(byUnit[k[1]], k[0])
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, unit := range slices.Sorted(maps.Keys(byUnit)) {
		fmt.Fprintf(tw, "%s\tbase\thead\tvs base\n", unit)
		cls := benchunit.ClassOf(unit)
		for _, bench := range slices.Sorted(slices.Values(byUnit[unit])) {
			k := [2]string{bench, unit}
			s1 := benchmath.NewSample(slices.Clone(b[k]), &benchmath.DefaultThresholds)
			s2 := benchmath.NewSample(slices.Clone(h[k]), &benchmath.DefaultThresholds)
			sum1 := benchmath.AssumeNothing.Summary(s1, 0.95)
			sum2 := benchmath.AssumeNothing.Summary(s2, 0.95)
			cmp := benchmath.AssumeNothing.Compare(s1, s2)
			scale := benchunit.CommonScale([]float64{sum1.Center, sum2.Center}, cls)
			fmt.Fprintf(tw, "%s\t%s ± %s\t%s ± %s\t%s (%s)\n", bench,
				scale.Format(sum1.Center), sum1.PctRangeString(), scale.Format(sum2.Center), sum2.PctRangeString(),
				cmp.FormatDelta(sum1.Center, sum2.Center), cmp)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
