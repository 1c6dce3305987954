package sebstest

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/upstreamtest"
)

// TestUpstreamImage runs the Python sleep fixture's code package through UpstreamImage on a stand-in for
// an upstream SeBS local image (testdata/upstream: an entrypoint that needs root to make its user, upstream's
// command and single-threaded server). The function answers and validates; the container is locked down
// except for the capabilities the entrypoint needs, and its server runs as the unprivileged user; a cold
// start cannot be verified (upstream reports is_cold false) and says so; a replacement container, also of
// a re-attached function, starts the same way.
func TestUpstreamImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Python image on first use (minutes); not in -short")
	}
	requireNoneLeft(t)
	ctx := context.Background()
	ref := upstreamStandIn(ctx, t)
	code, err := fixtures.PythonSource("sleep")
	require.NoError(t, err)
	fn := New(t, UpstreamImage(ref, code))
	bench, err := fixtures.Lookup("sleep")
	require.NoError(t, err)
	input := bench.Input(fixtures.SizeTest)

	res, err := fn.Invoke(ctx, input)
	require.NoError(t, err)
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	require.NoError(t, bench.Validate(input, out))
	assert.False(t, res.Stats.ColdStart, "the stand-in, like upstream, reports is_cold false")

	insp, err := fn.eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	c := insp.Container
	assert.Equal(t, []string{"/bin/bash", "/sebs/run_server.sh", "9000"}, []string(c.Config.Cmd))
	assert.False(t, c.HostConfig.Privileged)
	assert.Equal(t, []string{"ALL"}, []string(c.HostConfig.CapDrop))
	assert.ElementsMatch(t, UpstreamCapabilities(), []string(c.HostConfig.CapAdd))
	assert.Contains(t, c.HostConfig.SecurityOpt, "no-new-privileges:true")
	var code0 bool
	for _, m := range c.Mounts {
		if m.Destination == "/function" {
			code0 = true
			assert.False(t, m.RW, "the code package is mounted read-only")
		}
	}
	assert.True(t, code0, "the code package is mounted at /function")
	uid, _ := upstreamUser()
	assert.NotZero(t, uid)
	assert.Equal(t, strconv.Itoa(uid), serverUID(ctx, t, fn), "the server runs as the entrypoint's user")

	_, _, err = fn.ColdInvoke(ctx, input)
	require.ErrorContains(t, err, "is_cold false", "a cold start on upstream's server cannot be verified")
	assert.ErrorContains(t, err, "warm or sequential mode", "the error says what to do")
	_, err = fn.Invoke(ctx, input)
	require.NoError(t, err, "the replacement container starts as the first did")

	data, err := json.Marshal(fn.LocalFunction)
	require.NoError(t, err)
	attached, err := Attach(ctx, data)
	require.NoError(t, err)
	t.Cleanup(func() { _ = attached.Stop(context.Background()) })
	_, err = attached.ColdStart(ctx)
	require.NoError(t, err)
	_, err = attached.Invoke(ctx, input)
	require.NoError(t, err, "the replacement container of a re-attached upstream function starts as the first did")
	insp, err = fn.eng.ContainerInspect(ctx, attached.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, UpstreamCapabilities(), []string(insp.Container.HostConfig.CapAdd))
}

// serverUID returns the uid the function's server.py process runs as.
func serverUID(ctx context.Context, t *testing.T, fn *Function) string {
	t.Helper()
	return processUID(ctx, t, fn, "server.py")
}

// upstreamStandIn builds (or reuses) the stand-in upstream image on the Python base image.
func upstreamStandIn(ctx context.Context, t *testing.T) string {
	t.Helper()
	base, err := PythonImage(ctx, testWriter{t})
	require.NoError(t, err)
	return upstreamtest.StandIn(ctx, t, base, filepath.Join("testdata", "upstream"))
}

// testWriter writes progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.t.Log(line)
	}
	return len(p), nil
}

// TestKeptCapabilities: a re-attached container passes on only the capabilities upstream images need.
func TestKeptCapabilities(t *testing.T) {
	got := keptCapabilities([]string{"CAP_CHOWN", "SETUID", "CAP_SYS_ADMIN", "NET_RAW", "cap_fowner"})
	assert.Equal(t, []string{"CAP_CHOWN", "CAP_SETUID", "CAP_FOWNER"}, got)
	assert.Empty(t, keptCapabilities(nil))
}
