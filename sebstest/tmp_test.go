package sebstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
)

// tmpWriter is a Python function that writes event["mb"] MiB to /tmp and answers how many bytes it wrote,
// or the error's text.
const tmpWriter = `import os

def handler(event):
    path = "/tmp/sebs-tmp-test"
    try:
        with open(path, "wb") as f:
            for _ in range(event["mb"]):
                f.write(b"\0" * (1 << 20))
        return {"written": os.path.getsize(path)}
    except OSError as e:
        return {"error": str(e)}
    finally:
        if os.path.exists(path):
            os.remove(path)
`

// TestTmpFitsUpstreamBenchmarks (issue 12): a Python function writes 100 MB to /tmp, as upstream's 311, 220
// and 411 do with their inputs (it was a 64 MiB tmpfs: "No space left on device"); WithTmpfs sizes /tmp per
// function, and a write beyond that size fails with ENOSPC.
func TestTmpFitsUpstreamBenchmarks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Python image on first use (minutes); not in -short")
	}
	dir := filepath.Join(t.TempDir(), "tmpwriter")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "function"), 0o755))
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "function", "function.py"), []byte(tmpWriter), 0o644))
	ctx := context.Background()
	write := func(fn *Function, mb int) map[string]any {
		t.Helper()
		res, err := fn.Invoke(ctx, map[string]any{"mb": mb})
		require.NoError(t, err)
		out := res.Output["result"].(map[string]any)["output"].(map[string]any)
		return out
	}

	fn := New(t, PythonFunction(dir), WithConfig(sebs.FunctionConfig{Memory: 128}))
	assert.Equal(t, "104857600", fmt.Sprint(write(fn, 100)["written"]),
		"100 MB in /tmp, more than a 128 MB function's memory: /tmp is on disk by default")

	small := New(t, PythonFunction(dir), WithTmpfs(32))
	got := write(small, 100)
	assert.Contains(t, got["error"], "No space left on device", "WithTmpfs(32) bounds /tmp")
	assert.Equal(t, "16777216", fmt.Sprint(write(small, 16)["written"]))
}

func TestWithTmpfsRejectsNonPositive(t *testing.T) {
	_, err := newSettings([]testcontainers.ContainerCustomizer{WithTmpfs(0)})
	assert.ErrorContains(t, err, "must be positive")
	assert.Equal(t, "", tmpfsOptions(false, 0), "a writable root keeps its own /tmp")
	assert.Contains(t, tmpfsOptions(true, 0), "size=512m", "a read-only root gets the default tmpfs")
	assert.Contains(t, tmpfsOptions(true, 64), "size=64m")
}
