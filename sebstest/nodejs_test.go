package sebstest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/upstreamtest"
)

// TestNodeFunction runs the Node.js fixtures through NodeFunction (via Fixture): the Debian-built base image
// (built on first use), the code mounted read-only at /function, the server as uid 65534, a cold first call,
// outputs that pass the same validators as the Go and Python fixtures, a thrown error mapped to a clear error,
// and a verified cold start, also of a re-attached function.
func TestNodeFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Node.js image on first use (a minute or more); not in -short")
	}
	requireNoneLeft(t)
	ctx := context.Background()
	for _, name := range []string{"sleep", "dynamic-html"} {
		bench, err := fixtures.Lookup(name)
		require.NoError(t, err)
		fn := New(t, Fixture(name, sebs.LanguageNodeJS))
		assert.Equal(t, sebs.LanguageNodeJS, fn.Config.Runtime.Language)
		assert.Equal(t, nodeVersion, fn.Config.Runtime.Version)
		assert.Equal(t, bench.Upstream, fn.Benchmark)
		for i, size := range []fixtures.Size{fixtures.SizeTest, fixtures.SizeSmall} {
			input := bench.Input(size)
			res, err := fn.Invoke(ctx, input)
			require.NoError(t, err, "%s %s", name, size)
			assert.Equal(t, i == 0, res.Stats.ColdStart, "%s: only the first call is cold", name)
			out, err := res.HandlerOutput()
			require.NoError(t, err)
			require.NoError(t, bench.Validate(input, out), "%s %s", name, size)
		}
	}

	fn := New(t, Fixture("sleep", sebs.LanguageNodeJS))
	_, err := fn.Invoke(ctx, map[string]any{"sleep": "not a number"})
	require.ErrorIs(t, err, sebs.ErrInvocationFailed)
	assert.Contains(t, err.Error(), "TypeError", "the thrown error's type reaches the caller")

	insp, err := fn.eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	var mounted bool
	for _, m := range insp.Container.Mounts {
		if m.Destination == "/function" {
			mounted = true
			assert.False(t, m.RW, "the code package is mounted read-only")
			assert.True(t, strings.HasSuffix(m.Source, "fixtures/nodejs/sleep"), m.Source)
		}
	}
	assert.True(t, mounted, "the code package is mounted at /function")
	assert.Equal(t, "65534", processUID(ctx, t, fn, "server.js"), "the server runs as nobody")

	data, err := json.Marshal(fn.LocalFunction)
	require.NoError(t, err)
	attached, err := Attach(ctx, data)
	require.NoError(t, err)
	t.Cleanup(func() { _ = attached.Stop(context.Background()) })
	input := map[string]any{"sleep": 0.001}
	_, st, err := attached.ColdInvoke(ctx, input)
	require.NoError(t, err, "a cold start of an attached Node.js function reports is_cold")
	assert.Positive(t, st.Ready)
}

// TestNodeFunctionLayout: a directory without function/function.js is refused before anything starts, with
// an error that names the file upstream's layout wants.
func TestNodeFunctionLayout(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "function"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "function", "handler.js"), []byte("exports.handler = () => 1;\n"), 0o644))
	_, _, err := codePackage(dir, sebs.LanguageNodeJS)
	require.ErrorContains(t, err, "function/function.js")
	require.ErrorContains(t, err, dir)
	require.ErrorIs(t, err, os.ErrNotExist)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "function", "function.js"), []byte("exports.handler = () => 1;\n"), 0o644))
	abs, hash, err := codePackage(dir, sebs.LanguageNodeJS)
	require.NoError(t, err)
	assert.Equal(t, dir, abs)
	assert.Len(t, hash, 32)
}

// TestUpstreamImageNode runs the Node.js sleep fixture through UpstreamImage on a stand-in for upstream's
// run.local.nodejs image (testdata/upstream-nodejs: upstream's entrypoint and command, an express-like server
// that routes POST only): the function is a Node.js one, answers and validates, its server runs as the
// entrypoint's user, and a cold start cannot be verified (is_cold is always false) and says so.
func TestUpstreamImageNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Node.js image on first use (a minute or more); not in -short")
	}
	requireNoneLeft(t)
	ctx := context.Background()
	base, err := nodeImageForTest(ctx, t)
	require.NoError(t, err)
	ref := upstreamtest.StandIn(ctx, t, base, filepath.Join("testdata", "upstream-nodejs"))
	code, err := fixtures.NodeSource("sleep")
	require.NoError(t, err)
	fn := New(t, UpstreamImage(ref, code))
	assert.Equal(t, sebs.LanguageNodeJS, fn.Config.Runtime.Language, "the language is the code package's")
	assert.Equal(t, nodeVersion, fn.Config.Runtime.Version)

	bench, err := fixtures.Lookup("sleep")
	require.NoError(t, err)
	input := bench.Input(fixtures.SizeSmall)
	res, err := fn.Invoke(ctx, input)
	require.NoError(t, err)
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	require.NoError(t, bench.Validate(input, out))
	assert.False(t, res.Stats.ColdStart, "the stand-in, like upstream, reports is_cold false")
	assert.GreaterOrEqual(t, res.Times.Benchmark, int64(10000), "begin/end in milliseconds around a 10 ms sleep: %+v", res.Times)

	insp, err := fn.eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"/bin/bash", "/sebs/run_server.sh", "9000"}, []string(insp.Container.Config.Cmd))
	assert.ElementsMatch(t, UpstreamCapabilities(), []string(insp.Container.HostConfig.CapAdd))
	uid, _ := upstreamUser()
	assert.Equal(t, strconv.Itoa(uid), processUID(ctx, t, fn, "server.js"), "the server runs as the entrypoint's user")

	_, _, err = fn.ColdInvoke(ctx, input)
	require.ErrorContains(t, err, "is_cold false", "a cold start on upstream's server cannot be verified")
}

// nodeImageForTest returns the Node.js base image, building it on first use with its progress in the test log.
func nodeImageForTest(ctx context.Context, t *testing.T) (string, error) {
	eng, err := engine.Open(ctx)
	if err != nil {
		return "", err
	}
	defer eng.Close()
	return nodeImage(ctx, eng, testWriter{t})
}

// processUID returns the uid of the function container's process whose command line contains name.
func processUID(ctx context.Context, t *testing.T, fn *Function, name string) string {
	t.Helper()
	top, err := fn.eng.ContainerTop(ctx, fn.ContainerID(), client.ContainerTopOptions{Arguments: []string{"-o", "pid,uid,args"}})
	require.NoError(t, err)
	for _, p := range top.Processes {
		if len(p) == 3 && strings.Contains(p[2], name) {
			return strings.TrimSpace(p[1])
		}
	}
	t.Fatalf("no %s process in the container: %v", name, top.Processes)
	return ""
}
