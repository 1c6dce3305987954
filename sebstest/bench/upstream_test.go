package bench

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/upstreamtest"
	"github.com/gosebs/sebs/sebstest"
)

// TestModesOnUpstreamServer: upstream's server always reports is_cold false, so the burst mode (which
// verifies its calls are cold) fails on it, and the sequential mode works.
func TestModesOnUpstreamServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Python image on first use (minutes); not in -short")
	}
	ctx := context.Background()
	base, err := sebstest.PythonImage(ctx, nil)
	require.NoError(t, err)
	ref := upstreamtest.StandIn(ctx, t, base, filepath.Join("..", "testdata", "upstream"))
	code, err := fixtures.PythonSource("sleep")
	require.NoError(t, err)
	sleep, err := fixtures.Lookup("sleep")
	require.NoError(t, err)
	fn := sebstest.New(t, sebstest.UpstreamImage(ref, code), sebstest.WithBenchmark(sleep.Upstream))
	assert.Equal(t, sleep.Upstream, fn.Name, "named after its benchmark, not the image (issue 12)")
	assert.False(t, fn.ReportsCold())
	input := sleep.Input(fixtures.SizeTest)
	run := func(mode Mode) testing.BenchmarkResult {
		return testing.Benchmark(func(b *testing.B) {
			Run(b, []*sebstest.Function{fn}, Spec{Mode: mode, Payload: input, Benchmark: sleep.Name, Language: "python", Size: "test",
				Validate: func(out json.RawMessage) error { return sleep.Validate(input, out) }})
		})
	}
	assert.Zero(t, run(ModeBurst).N, "burst mode on a server that never reports is_cold must fail")
	assert.Positive(t, run(ModeSequential).N, "sequential mode works on upstream's server")

	// Warm mode cannot tell the first call (which imports the function) by is_cold: it discards one call
	// and counts it in cold-excluded (issue 12). A fresh container, so that the first call imports.
	_, err = fn.ColdStart(context.Background())
	require.NoError(t, err)
	warm := run(ModeWarm)
	require.Positive(t, warm.N)
	assert.Equal(t, 1.0, warm.Extra["cold-excluded"], "the first call of a server that cannot report is_cold is discarded")
}
