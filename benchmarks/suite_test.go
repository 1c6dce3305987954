package benchmarks

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// runSuite benchmarks one fixture in every language, mode and size the flags select:
// lang=<l>/mode=<m>/size=<s>[/conc=<n>]. The warm and sequential modes share one container per language
// (started on first use); the cold and burst modes start their own.
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
			var shared *sebstest.Function // warm and sequential modes share it
			if slices.Contains(modes, bench.ModeWarm) || slices.Contains(modes, bench.ModeSequential) {
				shared = startFunction(b, bm, lang, cfg)
			}
			for _, mode := range modes {
				b.Run("mode="+string(mode), func(b *testing.B) {
					for _, size := range cfg.sizes {
						b.Run("size="+string(size), func(b *testing.B) {
							runOne(b, bm, lang, mode, size, cfg, shared)
						})
					}
				})
			}
		})
	}
}

// runOne runs one sub-benchmark.
func runOne(b *testing.B, bm fixtures.Benchmark, lang string, mode bench.Mode, size fixtures.Size, cfg config,
	shared *sebstest.Function) {
	input := bm.Input(size)
	spec := bench.Spec{
		Mode:      mode,
		Payload:   input,
		Validate:  func(out json.RawMessage) error { return bm.Validate(input, out) },
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
			bench.Run(b, []*sebstest.Function{shared}, spec)
		})
	case bench.ModeSequential:
		bench.Run(b, []*sebstest.Function{shared}, spec)
	case bench.ModeCold:
		bench.Run(b, []*sebstest.Function{startFunction(b, bm, lang, cfg)}, spec)
	case bench.ModeBurst:
		fns := make([]*sebstest.Function, cfg.concurrency)
		for i := range fns {
			fns[i] = startFunction(b, bm, lang, cfg)
		}
		b.Run("conc="+strconv.Itoa(cfg.concurrency), func(b *testing.B) {
			bench.Run(b, fns, spec)
		})
	}
}

// startFunction starts the fixture for the benchmark b, with the fixture's configured memory and
// timeout, stopped when b ends.
func startFunction(b testing.TB, bm fixtures.Benchmark, lang string, cfg config) *sebstest.Function {
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
	return sebstest.New(b, src, opts...)
}
