package plot

import (
	"fmt"
	"slices"
	"strings"
)

// Filter selects the samples a report shows. Each field lists the values to keep; an empty list keeps
// every value. Benchmarks match a sample's benchmark (its function when it has none).
type Filter struct {
	Benchmarks, Languages, Sizes, Modes []string
}

// Keep reports whether the filter keeps s.
func (f Filter) Keep(s Sample) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	return in(f.Benchmarks, benchmarkOf(s)) && in(f.Languages, s.Language) && in(f.Sizes, s.Size) && in(f.Modes, s.Mode)
}

// Apply returns the samples the filter keeps. When it keeps none of them it returns an error, wrapping
// ErrNoSamples, that lists the values the samples hold.
func (f Filter) Apply(samples []Sample) ([]Sample, error) {
	var kept []Sample
	for _, s := range samples {
		if f.Keep(s) {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 && len(samples) > 0 {
		have := func(field func(Sample) string) string {
			set := map[string]bool{}
			for _, s := range samples {
				set[field(s)] = true
			}
			return strings.Join(ordered(set, nil), ", ")
		}
		return nil, fmt.Errorf("filter keeps none of %d samples (benchmarks: %s; languages: %s; sizes: %s; modes: %s): %w",
			len(samples), have(benchmarkOf), have(func(s Sample) string { return s.Language }),
			have(func(s Sample) string { return s.Size }), have(func(s Sample) string { return s.Mode }), ErrNoSamples)
	}
	return kept, nil
}
