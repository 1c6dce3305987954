package benchmarks

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// EnvBenchmarkDirs names the environment variable that gives BenchmarkSeBSDir its directories when the
// -sebs.dirs flag is not set.
const EnvBenchmarkDirs = "SEBS_BENCHMARK_DIRS"

var dirsFlag = flag.String("sebs.dirs", "", "comma-separated SeBS benchmark directories (with config.json and input.py), "+
	"or roots to search for them, such as upstream's benchmarks/ (or set "+EnvBenchmarkDirs+")")

// BenchmarkSeBSDir runs SeBS benchmark directories in upstream's layout, the ones -sebs.dirs (or
// SEBS_BENCHMARK_DIRS) names, in Python: bench=<NNN.name>/mode=<mode>/size=<size>[/conc=<n>]. Each
// directory's code runs as sebstest.BenchmarkDir lays it out, its input for each size comes once from its
// own generate_input, and every output is checked by its own validate_output, both run in the Python
// image (one sebsdir.Session per directory). Benchmarks that need object storage or a NoSQL store are
// skipped with the reason, also under CI=true: gosebs provides neither, so that is a refusal by design,
// not a missing dependency.
func BenchmarkSeBSDir(b *testing.B) {
	cfg, err := parseConfig()
	if err != nil {
		b.Fatal(err)
	}
	dirs, err := benchmarkDirs(*dirsFlag, os.Getenv(EnvBenchmarkDirs))
	if err != nil {
		b.Fatal(err)
	}
	if len(dirs) == 0 {
		b.Skipf("no SeBS benchmark directories: pass -sebs.dirs=<dir,…|benchmarks root> or set %s", EnvBenchmarkDirs)
	}
	for _, dir := range dirs {
		b.Run("bench="+filepath.Base(dir), func(b *testing.B) {
			d := openBenchmarkDir(b, dir, cfg.sizes)
			var shared *sebstest.Function // warm and sequential modes share it
			if slices.Contains(cfg.modes, bench.ModeWarm) || slices.Contains(cfg.modes, bench.ModeSequential) {
				shared = d.start(b, cfg)
			}
			for _, mode := range cfg.modes {
				b.Run("mode="+string(mode), func(b *testing.B) {
					for _, size := range cfg.sizes {
						b.Run("size="+string(size), func(b *testing.B) {
							d.run(b, mode, size, cfg, shared)
						})
					}
				})
			}
		})
	}
}

// benchDir is one benchmark directory ready to run: its parsed form, its session (generate_input and
// validate_output) and the inputs generated for the sizes asked for.
type benchDir struct {
	bm     *sebsdir.Benchmark
	sess   *sebsdir.Session
	src    sebstest.Source
	inputs map[fixtures.Size]json.RawMessage
}

// openBenchmarkDir parses dir, skips tb with the reason when gosebs cannot run it (storage, NoSQL, no
// Python code), opens its session (closed when tb ends), logs the requirements the Python image does not
// meet, and generates the input of every size once.
func openBenchmarkDir(tb testing.TB, dir string, sizes []fixtures.Size) *benchDir {
	tb.Helper()
	bm, err := sebsdir.Parse(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if why := refusal(bm.Runnable(sebs.LanguagePython)); why != "" {
		skip(tb, why)
	}
	sebstest.RequireDocker(tb)
	ctx := context.Background()
	image, err := sebstest.PythonImage(ctx, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	sess, err := sebsdir.Open(ctx, bm, sebsdir.Options{Image: image})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := sess.Close(); err != nil {
			tb.Errorf("close the session of %s: %v", bm.Name, err)
		}
	})
	unmet, err := sess.UnmetRequirements(ctx)
	if err != nil {
		note(tb, fmt.Sprintf("%s: requirements not checked: %v", bm.Name, err))
	}
	for _, u := range unmet {
		note(tb, fmt.Sprintf("%s: requirement %q not met by the Python image (%s); running anyway", bm.Name, u.Line, u.Reason))
	}
	d := &benchDir{bm: bm, sess: sess, src: sebstest.BenchmarkDir(dir, sebs.LanguagePython),
		inputs: map[fixtures.Size]json.RawMessage{}}
	for _, size := range sizes {
		in, err := sess.GenerateInput(ctx, size)
		if needsService(err) { // its generate_input called upload_func or nosql_func
			skip(tb, refusal(err))
		}
		if err != nil {
			tb.Fatalf("%s: input for size %s: %v", bm.Name, size, err)
		}
		d.inputs[size] = in
	}
	return d
}

// refusal returns why the suite skips a benchmark whose Runnable (or generate_input) returned err, or ""
// when err is nil. A benchmark that needs object storage or a NoSQL store is refused by design, also
// under CI=true: gosebs provides neither, so the skip is not a missing dependency to install.
func refusal(err error) string {
	switch {
	case err == nil:
		return ""
	case needsService(err):
		return "refused by design, also under CI=true (gosebs provides no storage or NoSQL service): " + err.Error()
	default:
		return "cannot run here: " + err.Error()
	}
}

// skip skips tb with why, printed also without -v (see note).
func skip(tb testing.TB, why string) {
	tb.Helper()
	if !testing.Verbose() {
		fmt.Printf("--- SKIP: %s\n    %s\n", tb.Name(), why)
	}
	tb.Skip(why)
}

// note logs msg to tb and, without -v, prints it too: go test shows the log of a benchmark that has
// sub-benchmarks (or was skipped) only in verbose mode, and a user must see which directories did not run
// and which requirements are not met.
func note(tb testing.TB, msg string) {
	tb.Helper()
	if !testing.Verbose() {
		fmt.Printf("--- NOTE: %s\n    %s\n", tb.Name(), msg)
	}
	tb.Log(msg)
}

// needsService reports whether err says the benchmark needs object storage or a NoSQL store.
func needsService(err error) bool {
	return errors.Is(err, sebsdir.ErrNeedsStorage) || errors.Is(err, sebsdir.ErrNeedsNoSQL)
}

// validator returns the bench.Spec hook that checks an output of size's input with validate_output.
func (d *benchDir) validator(ctx context.Context, size fixtures.Size) func(json.RawMessage) error {
	in := d.inputs[size]
	return func(out json.RawMessage) error {
		return d.sess.Validate(ctx, sebs.LanguagePython, in, out)
	}
}

// run runs one sub-benchmark, as runOne does for the built-in fixtures.
func (d *benchDir) run(b *testing.B, mode bench.Mode, size fixtures.Size, cfg config, shared *sebstest.Function) {
	spec := bench.Spec{
		Mode:      mode,
		Payload:   d.inputs[size],
		Validate:  d.validator(b.Context(), size),
		Benchmark: d.bm.Name,
		Language:  string(sebs.LanguagePython),
		Size:      string(size),
		Recorder:  recorder,
	}
	var fns []*sebstest.Function
	switch mode {
	case bench.ModeWarm, bench.ModeSequential:
		fns = []*sebstest.Function{shared}
	case bench.ModeCold:
		fns = []*sebstest.Function{d.start(b, cfg)}
	case bench.ModeBurst:
		for range cfg.concurrency {
			fns = append(fns, d.start(b, cfg))
		}
	}
	if mode == bench.ModeWarm || mode == bench.ModeBurst {
		spec.Concurrency = cfg.concurrency
		b.Run("conc="+strconv.Itoa(spec.Concurrency), func(b *testing.B) { bench.Run(b, fns, spec) })
		return
	}
	bench.Run(b, fns, spec)
}

// start starts the directory's function with config.json's timeout and memory, stopped (and its package
// removed) when tb ends.
func (d *benchDir) start(tb testing.TB, cfg config) *sebstest.Function {
	tb.Helper()
	opts := []testcontainers.ContainerCustomizer{sebstest.WithProgress(io.Discard)}
	if cfg.memory > 0 {
		opts = append(opts, sebstest.WithMemorySampling(cfg.memory))
	}
	return sebstest.New(tb, d.src, opts...)
}

// benchmarkDirs returns the benchmark directories flagValue names, or envValue when flagValue is empty: a
// comma-separated list of benchmark directories (holding config.json and input.py) and of roots searched
// for them (upstream's benchmarks/, or one of its groups such as benchmarks/500.scientific), sorted by
// name within each root. Relative paths are read from the package directory (where go test runs the
// benchmarks) and, when nothing is there, from the module root.
func benchmarkDirs(flagValue, envValue string) ([]string, error) {
	value, from := flagValue, "-sebs.dirs"
	if value == "" {
		value, from = envValue, EnvBenchmarkDirs
	}
	var dirs []string
	for _, entry := range splitList(value) {
		dir, err := resolveDir(entry)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		found, err := findBenchmarkDirs(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: %s holds no SeBS benchmark directory (a directory with config.json and input.py, "+
				"such as upstream's benchmarks/000.microbenchmarks/010.sleep)", from, dir)
		}
		for _, f := range found {
			if !slices.Contains(dirs, f) {
				dirs = append(dirs, f)
			}
		}
	}
	return dirs, nil
}

// resolveDir makes entry absolute: as given, else relative to the module root.
func resolveDir(entry string) (string, error) {
	candidates := []string{entry}
	if !filepath.IsAbs(entry) {
		if root, err := fixtures.Root(); err == nil {
			candidates = append(candidates, filepath.Join(filepath.Dir(root), entry))
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("%q is not a directory (relative paths are read from the benchmarks package and from the module root)", entry)
}

// maxSearchDepth bounds the search under a root: upstream's tree is benchmarks/<group>/<NNN.name>.
const maxSearchDepth = 3

// findBenchmarkDirs returns dir when it is a benchmark directory, else the benchmark directories under it
// (not looking inside one, nor deeper than maxSearchDepth), in lexical order.
func findBenchmarkDirs(dir string) ([]string, error) {
	if isBenchmarkDir(dir) {
		return []string{dir}, nil
	}
	var found []string
	var walk func(d string, depth int) error
	walk = func(d string, depth int) error {
		entries, err := os.ReadDir(d)
		if err != nil {
			return fmt.Errorf("search %s for benchmark directories: %w", d, err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			sub := filepath.Join(d, e.Name())
			switch {
			case isBenchmarkDir(sub):
				found = append(found, sub)
			case depth < maxSearchDepth:
				if err := walk(sub, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return found, walk(dir, 1)
}

// isBenchmarkDir reports whether dir has upstream's two benchmark files, config.json and input.py.
func isBenchmarkDir(dir string) bool {
	for _, name := range []string{"config.json", "input.py"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}
