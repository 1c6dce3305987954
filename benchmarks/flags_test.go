package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest/bench"
)

// The suite's flags, registered by this test package only.
var (
	sizesFlag       = flag.String("sebs.sizes", "test,small", "comma-separated input sizes: test, small, large")
	modesFlag       = flag.String("sebs.modes", "warm,sequential,cold,burst", "comma-separated modes: warm, sequential, cold, burst")
	concurrencyFlag = flag.Int("sebs.concurrency", 2, "concurrent calls per iteration in warm mode; functions per burst")
	memoryFlag      = flag.Duration("sebs.memory", 10*time.Millisecond, "container memory sampling interval; 0 turns sampling off")
	pythonFlag      = flag.Bool("sebs.python", false, "also benchmark the Python fixtures (or set SEBS_BENCH_PYTHON=1)")
	nodejsFlag      = flag.Bool("sebs.nodejs", false, "also benchmark the Node.js fixtures (or set SEBS_BENCH_NODEJS=1)")
)

// config is the suite configuration the flags give.
type config struct {
	sizes       []fixtures.Size
	modes       []bench.Mode
	concurrency int
	memory      time.Duration
	languages   []string
	extra       []testcontainers.ContainerCustomizer // options for every function (issue 14: WithStorage)
}

// parseConfig reads the flags (and SEBS_BENCH_PYTHON, SEBS_BENCH_NODEJS).
func parseConfig() (config, error) {
	python := *pythonFlag || os.Getenv("SEBS_BENCH_PYTHON") == "1"
	nodejs := *nodejsFlag || os.Getenv("SEBS_BENCH_NODEJS") == "1"
	c, err := newConfig(*sizesFlag, *modesFlag, *concurrencyFlag, *memoryFlag, python, nodejs)
	return withLambda(c), err
}

// newConfig checks the settings and says what is wrong with them. Go always runs; python and nodejs add
// those runtimes' fixtures.
func newConfig(sizes, modes string, concurrency int, memory time.Duration, python, nodejs bool) (config, error) {
	c := config{concurrency: concurrency, memory: memory, languages: []string{"go"}}
	for _, s := range splitList(sizes) {
		if !slices.Contains(fixtures.Sizes, fixtures.Size(s)) {
			return c, fmt.Errorf("-sebs.sizes: unknown size %q: use test, small or large", s)
		}
		c.sizes = append(c.sizes, fixtures.Size(s))
	}
	for _, s := range splitList(modes) {
		m, err := bench.ParseMode(s)
		if err != nil {
			return c, fmt.Errorf("-sebs.modes: %w", err)
		}
		c.modes = append(c.modes, m)
	}
	if len(c.sizes) == 0 || len(c.modes) == 0 {
		return c, fmt.Errorf("-sebs.sizes=%q, -sebs.modes=%q: name at least one size and one mode", sizes, modes)
	}
	if concurrency < 1 {
		return c, fmt.Errorf("-sebs.concurrency=%d: must be at least 1", concurrency)
	}
	if memory < 0 {
		return c, fmt.Errorf("-sebs.memory=%v: must not be negative", memory)
	}
	if python {
		c.languages = append(c.languages, "python")
	}
	if nodejs {
		c.languages = append(c.languages, "nodejs")
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
