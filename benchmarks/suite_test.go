package benchmarks

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// runSuite benchmarks one fixture in every language, mode and size the flags select:
// lang=<l>/mode=<m>/size=<s>[/conc=<n>].
//
// Issue 16 (make bench's wall time): a language's one function serves every mode and size. The warm and
// sequential modes call its container; the cold mode retires it (off the clock) and cold-starts it again,
// and the burst mode adds the concurrency's other functions, started once for all sizes. Each start of a
// container the loop would remove at once, before its first timed iteration, was time measured nowhere.
// A cold or burst iteration still removes the old containers with the timer stopped (bench.Run), so what
// each sample times is unchanged. The modes run in the flag's order: with warm first (the default), the
// fresh container's first call is warm mode's cold-excluded call, as before.
func runSuite(b *testing.B, name string, extra ...testcontainers.ContainerCustomizer) {
	cfg, err := parseConfig()
	if err != nil {
		b.Fatal(err)
	}
	cfg.extra = extra // issue 14: options for every function of the suite (sebstest.WithStorage)
	bm, err := fixtures.Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	sh, err := parseShard(*shardFlag)
	if err != nil {
		b.Fatal(err)
	}
	sh.skipIfEmpty(b, bm, cfg)
	for _, lang := range cfg.languages {
		modes := sh.modes(bm.Name, lang, cfg.modes) // -sebs.shard: this machine's part
		if !suiteHas(bm, lang) || len(modes) == 0 {
			continue
		}
		b.Run("lang="+lang, func(b *testing.B) {
			sebstest.RequireDocker(b)
			fn := startFunction(b, bm, lang, cfg, firstStart(modes[0])...) // every mode's, see above
			for _, mode := range modes {
				b.Run("mode="+string(mode), func(b *testing.B) {
					fns := modeFunctions(b, fn, bm, lang, mode, cfg)
					for _, size := range cfg.sizes {
						b.Run("size="+string(size), func(b *testing.B) {
							runOne(b, bm, lang, mode, size, cfg, fns)
						})
					}
				})
			}
		})
	}
}

// modeFunctions returns the functions a mode invokes: the language's function fn, and in burst mode as many
// more as the concurrency needs, started now (nothing is being timed between modes) and stopped when the
// mode ends.
func modeFunctions(b *testing.B, fn *sebstest.Function, bm fixtures.Benchmark, lang string, mode bench.Mode,
	cfg config) []*sebstest.Function {
	fns := []*sebstest.Function{fn}
	if mode != bench.ModeBurst {
		return fns
	}
	for len(fns) < cfg.concurrency {
		fns = append(fns, startFunction(b, bm, lang, cfg, sebstest.WithoutFirstStart()))
	}
	return fns
}

// firstStart returns the option that leaves out the first container of a function whose first mode is
// cold or burst: that mode's first iteration would remove it, untimed, before any call (issue 16).
func firstStart(first bench.Mode) []testcontainers.ContainerCustomizer {
	if first == bench.ModeCold || first == bench.ModeBurst {
		return []testcontainers.ContainerCustomizer{sebstest.WithoutFirstStart()}
	}
	return nil
}

// runOne runs one sub-benchmark over the mode's functions (see modeFunctions).
func runOne(b *testing.B, bm fixtures.Benchmark, lang string, mode bench.Mode, size fixtures.Size, cfg config,
	fns []*sebstest.Function) {
	input := bm.Input(size)
	spec := bench.Spec{
		Mode:      mode,
		Payload:   input,
		Validate:  bm.Validator(input),
		Benchmark: bm.Name,
		Language:  lang,
		Size:      string(size),
		Recorder:  recorder,
	}
	switch mode {
	case bench.ModeWarm:
		spec.Concurrency = cfg.concurrency
		if lang == langGoLambda {
			spec.Concurrency = 1 // the emulator serves one call at a time, as a Lambda instance does
		}
		b.Run("conc="+strconv.Itoa(spec.Concurrency), func(b *testing.B) {
			suiteTime.run(b, fns, spec)
		})
	case bench.ModeSequential, bench.ModeCold:
		suiteTime.run(b, fns, spec)
	case bench.ModeBurst:
		b.Run("conc="+strconv.Itoa(cfg.concurrency), func(b *testing.B) {
			suiteTime.run(b, fns, spec)
		})
	}
}

// startFunction starts the fixture for the benchmark b, with the fixture's configured memory and
// timeout and then the options more, stopped when b ends.
func startFunction(b testing.TB, bm fixtures.Benchmark, lang string, cfg config,
	more ...testcontainers.ContainerCustomizer) *sebstest.Function {
	b.Helper()
	language, src, err := suiteSource(bm.Name, lang)
	if err != nil {
		b.Fatal(err)
	}
	opts := []testcontainers.ContainerCustomizer{
		sebstest.WithProgress(io.Discard),
		sebstest.WithBenchmark(bm.Name),
		sebstest.WithConfig(sebs.FunctionConfig{
			Timeout: bm.Timeout, Memory: bm.Memory,
			Runtime: sebs.Runtime{Language: language}, Architecture: sebs.ArchX64,
		}),
	}
	if cfg.memory > 0 {
		opts = append(opts, sebstest.WithMemorySampling(cfg.memory))
	}
	opts = append(opts, cfg.extra...)
	defer suiteTime.start(time.Now())
	return sebstest.New(b, src, append(opts, more...)...)
}
