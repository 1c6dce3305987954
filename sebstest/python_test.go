package sebstest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// TestPythonFunction runs the Python sleep fixture through the whole path: the Debian-built base image
// (built here on first use), the code mounted read-only at /function, a cold first call, a validated
// output, a handler exception mapped to a clear error.
func TestPythonFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Python image on first use (minutes); not in -short")
	}
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguagePython))
	ctx := context.Background()
	bench, err := fixtures.Lookup("sleep")
	require.NoError(t, err)
	assert.Equal(t, sebs.LanguagePython, fn.Config.Runtime.Language)

	input := bench.Input(fixtures.SizeTest)
	res, err := fn.Invoke(ctx, input)
	require.NoError(t, err)
	assert.True(t, res.Stats.ColdStart)
	out, err := json.Marshal(res.Output["result"].(map[string]any)["output"])
	require.NoError(t, err)
	require.NoError(t, bench.Validate(input, out))

	_, err = fn.Invoke(ctx, map[string]any{"sleep": "not a number"})
	require.Error(t, err)
	assert.ErrorIs(t, err, sebs.ErrInvocationFailed)
	assert.Contains(t, err.Error(), "500")

	_, st, err := fn.ColdInvoke(ctx, input)
	require.NoError(t, err, "a cold start of a Python function reports is_cold")
	assert.Positive(t, st.Ready)

	// Re-attached from its JSON, a cold start (a new container) keeps the code mount and command.
	data, err := json.Marshal(fn.LocalFunction)
	require.NoError(t, err)
	attached, err := Attach(ctx, data)
	require.NoError(t, err)
	t.Cleanup(func() { _ = attached.Stop(context.Background()) })
	_, _, err = attached.ColdInvoke(ctx, input)
	require.NoError(t, err, "a cold start of an attached Python function")
	fn = attached

	insp, err := fn.eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	var code bool
	for _, m := range insp.Container.Mounts {
		if m.Destination == "/function" {
			code = true
			assert.False(t, m.RW, "the code package is mounted read-only")
			assert.True(t, strings.HasSuffix(m.Source, "fixtures/python/sleep"), m.Source)
		}
	}
	assert.True(t, code, "the code package is mounted at /function")
}
