package benchmarks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// BenchmarkSeBSDir runs SeBS benchmark directories in upstream's layout, the ones -sebs.dirs (or
// SEBS_BENCHMARK_DIRS) names, in Python: bench=<NNN.name>/mode=<mode>/size=<size>[/conc=<n>]. Each
// directory's code runs as sebstest.BenchmarkDir lays it out, its input for each size comes once from its
// own generate_input, and every output is checked by its own validate_output, both run in the Python
// image (one sebsdir.Session per directory). Benchmarks that need object storage run with a MinIO server
// (one for the run, started when a directory needs it): generate_input's uploads are stored there and the
// functions are started WithStorage. generate_input reads the data root -sebs.data (or
// SEBS_BENCHMARKS_DATA) names, upstream's benchmarks-data. Benchmarks that need a NoSQL store are skipped
// with the reason, also under CI=true: gosebs provides none, so that is a refusal by design, not a
// missing dependency.
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
	var env dirEnv
	if env.data, env.dataFrom, err = dataRoot(*dataFlag, os.Getenv(EnvBenchmarksData)); err != nil {
		b.Fatal(err)
	}
	runSeBSDirs(b, cfg, dirs, env, nil)
}

// dirEnv is what the directories of one run share: the data root (upstream's benchmarks-data, or "") and
// the setting that named it, and the storage server (nil until runSeBSDirs starts one).
type dirEnv struct {
	data, dataFrom string
	storage        *sebstest.Storage
}

// runSeBSDirs is BenchmarkSeBSDir over dirs: it starts one storage server for the run when a directory
// needs object storage, then runs every directory's modes and sizes. ran, when not nil, is told each
// bench=/mode=/size= sub-benchmark's name and whether it passed.
func runSeBSDirs(b *testing.B, cfg config, dirs []string, env dirEnv, ran func(name string, ok bool)) {
	if env.storage == nil && anyNeedsStorage(dirs) {
		sebstest.RequireDocker(b)
		env.storage = sebstest.NewStorage(b)
	}
	for _, dir := range dirs {
		b.Run("bench="+filepath.Base(dir), func(b *testing.B) {
			d := openBenchmarkDir(b, dir, cfg.sizes, env)
			var shared *sebstest.Function // warm and sequential modes share it
			if slices.Contains(cfg.modes, bench.ModeWarm) || slices.Contains(cfg.modes, bench.ModeSequential) {
				shared = d.start(b, cfg)
			}
			for _, mode := range cfg.modes {
				b.Run("mode="+string(mode), func(b *testing.B) {
					for _, size := range cfg.sizes {
						ok := b.Run("size="+string(size), func(b *testing.B) {
							d.run(b, mode, size, cfg, shared)
						})
						if ran != nil {
							ran(fmt.Sprintf("bench=%s/mode=%s/size=%s", filepath.Base(dir), mode, size), ok)
						}
					}
				})
			}
		})
	}
}

// anyNeedsStorage reports whether a directory of dirs that gosebs can run with object storage needs it.
func anyNeedsStorage(dirs []string) bool {
	for _, dir := range dirs {
		bm, err := sebsdir.Parse(dir)
		if err != nil || bm.Runnable(sebs.LanguagePython, sebsdir.ObjectStorage) != nil {
			continue // refused or skipped later, with the reason
		}
		if _, ok := bm.Need(sebsdir.ObjectStorage); ok {
			return true
		}
	}
	return false
}

// benchDir is one benchmark directory ready to run: its parsed form, its session (generate_input and
// validate_output), the storage its functions use (or nil) and the inputs generated for the sizes asked
// for.
type benchDir struct {
	bm      *sebsdir.Benchmark
	sess    *sebsdir.Session
	src     sebstest.Source
	storage *sebstest.Storage
	inputs  map[fixtures.Size]json.RawMessage
}

// openBenchmarkDir parses dir, skips tb with the reason when gosebs cannot run it (NoSQL, no Python code,
// or object storage when env has no server), opens its session on its data directory under env's root
// (closed when tb ends), logs the requirements the Python image does not meet, and generates the input
// of every size once, storing its uploads in env's server when the benchmark needs object storage.
func openBenchmarkDir(tb testing.TB, dir string, sizes []fixtures.Size, env dirEnv) *benchDir {
	tb.Helper()
	bm, err := sebsdir.Parse(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var provided []sebsdir.Service
	if env.storage != nil {
		provided = append(provided, sebsdir.ObjectStorage)
	}
	if why := refusal(bm.Runnable(sebs.LanguagePython, provided...)); why != "" {
		skip(tb, why)
	}
	sebstest.RequireDocker(tb)
	dataDir, missing := sebsdir.DataDir(env.data, bm)
	ctx := context.Background()
	image, err := sebstest.PythonImage(ctx, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	sess, err := sebsdir.Open(ctx, bm, sebsdir.Options{Image: image, DataDir: dataDir})
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
	if _, ok := bm.Need(sebsdir.ObjectStorage); ok {
		d.storage = env.storage
	}
	for _, size := range sizes {
		var in json.RawMessage
		if d.storage != nil {
			in, err = d.storage.PrepareDir(ctx, sess, size)
		} else {
			in, err = sess.GenerateInput(ctx, size)
		}
		if needsService(err) { // its generate_input called nosql_func, or upload_func undeclared
			skip(tb, refusal(err))
		}
		if err != nil && dataDir == "" {
			err = sebsdir.WithoutData(err, bm, missing, env.dataFrom)
		}
		if err != nil {
			tb.Fatalf("%s: input for size %s: %v", bm.Name, size, err)
		}
		d.inputs[size] = in
	}
	return d
}

// refusal returns why the suite skips a benchmark whose Runnable (or generate_input) returned err, or ""
// when err is nil. A benchmark that needs a NoSQL store (or storage the run does not give it) is refused
// by design, also under CI=true: the skip is not a missing dependency to install.
func refusal(err error) string {
	switch {
	case err == nil:
		return ""
	case needsService(err):
		return "refused by design, also under CI=true: " + err.Error()
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
	var fetch sebsdir.Fetch // validate_output's storage argument reads through the run's server
	if d.storage != nil {
		fetch = d.storage.Get
	}
	return func(out json.RawMessage) error {
		return d.sess.ValidateStored(ctx, sebs.LanguagePython, in, out, fetch)
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
		b.Run("conc="+strconv.Itoa(spec.Concurrency), func(b *testing.B) { suiteTime.run(b, fns, spec) })
		return
	}
	suiteTime.run(b, fns, spec)
}

// start starts the directory's function with config.json's timeout and memory, stopped (and its package
// removed) when tb ends.
func (d *benchDir) start(tb testing.TB, cfg config) *sebstest.Function {
	tb.Helper()
	opts := []testcontainers.ContainerCustomizer{sebstest.WithProgress(io.Discard)}
	if d.storage != nil {
		opts = append(opts, sebstest.WithStorage(d.storage))
	}
	if cfg.memory > 0 {
		opts = append(opts, sebstest.WithMemorySampling(cfg.memory))
	}
	defer suiteTime.start(time.Now())
	return sebstest.New(tb, d.src, opts...)
}
