package sebstest_test

import (
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/plot"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// TestEndpointBenchMatchesContainer benchmarks one fixture container twice in the warm and sequential
// modes: as the container source started it, and addressed by its URL only (sebstest.Endpoint). Both
// must report the same metrics, and the endpoint's run must give result files and a report.
func TestEndpointBenchMatchesContainer(t *testing.T) {
	bm, err := fixtures.Lookup("dynamic-html")
	if err != nil {
		t.Fatal(err)
	}
	ctr := sebstest.New(t, sebstest.Fixture(bm.Name, sebs.LanguageGo))
	ep, err := sebstest.Endpoint("http://"+ctr.URL, sebstest.WithName("html-by-url"), sebstest.WithBenchmark(bm.Name),
		sebstest.WithConfig(ctr.Config))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ep.Stop(t.Context()) })

	dir := t.TempDir()
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	input := bm.Input(fixtures.SizeTest)
	run := func(fn *sebstest.Function, mode bench.Mode, r *bench.Recorder) testing.BenchmarkResult {
		spec := bench.Spec{
			Mode: mode, Payload: input,
			Validate:  bm.Validator(input),
			Benchmark: bm.Name, Language: "go", Size: "test", Recorder: r,
		}
		if mode == bench.ModeWarm {
			spec.Concurrency = 2
		}
		res := testing.Benchmark(func(b *testing.B) { bench.Run(b, []*sebstest.Function{fn}, spec) })
		if res.N == 0 {
			t.Fatalf("%s benchmark of %s failed", mode, fn.Name)
		}
		return res
	}
	for _, mode := range []bench.Mode{bench.ModeWarm, bench.ModeSequential} {
		byContainer := run(ctr, mode, nil)
		byURL := run(ep, mode, rec)
		want, got := slices.Sorted(maps.Keys(byContainer.Extra)), slices.Sorted(maps.Keys(byURL.Extra))
		if !slices.Equal(got, want) || len(got) < 7 {
			t.Errorf("%s mode: endpoint metrics %v, container metrics %v; want the same", mode, got, want)
		}
		if byURL.Extra["client-ns/call"] <= 0 || byURL.Extra["server-ns/call"] <= 0 {
			t.Errorf("%s mode: endpoint client-ns/call %v, server-ns/call %v; want > 0", mode, byURL.Extra["client-ns/call"], byURL.Extra["server-ns/call"])
		}
		t.Logf("%s mode metrics: %v; client-ns/call %.0f by container, %.0f by URL; p50-client-ns %.0f and %.0f",
			mode, got, byContainer.Extra["client-ns/call"], byURL.Extra["client-ns/call"], byContainer.Extra["p50-client-ns"], byURL.Extra["p50-client-ns"])
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	res, err := bench.ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Experiments == nil {
		t.Fatal("no experiments.json")
	}
	recorded := len(res.Experiments.Invocations["html-by-url"])
	if len(res.Samples) == 0 || recorded == 0 || recorded != len(res.Rows) || recorded > len(res.Samples) {
		t.Errorf("%d samples, %d invocations of html-by-url in experiments.json, %d CSV rows", len(res.Samples), recorded, len(res.Rows))
	}
	if res.Rows[0].Memory != ctr.Config.Memory {
		t.Errorf("CSV memory %d, want the configured %d", res.Rows[0].Memory, ctr.Config.Memory)
	}
	path, err := plot.WriteReport(dir, "", plot.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("report %s: %v", path, err)
	}
}
