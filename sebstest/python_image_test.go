package sebstest

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImageBuildProgressOnStderr (issue 11): a base image's one-time build streams its lines live to
// stderr whatever -v says (a test's log shows only at its end), besides the progress writer.
func TestImageBuildProgressOnStderr(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "image"), 0o755))
	script := "echo 'sebs-python: [0s] building'\necho 'sebs-python: [1s] done'\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "image", "build.sh"), []byte(script), 0o755))

	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	var progress bytes.Buffer
	err = runImageBuild(context.Background(), "", &progress, filepath.Join(dir, "image", "build.sh"))
	os.Stderr = stderr
	require.NoError(t, w.Close())
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "sebs-python: [0s] building\nsebs-python: [1s] done\n", string(got), "live on stderr")
	assert.Equal(t, string(got), progress.String(), "and to the progress writer")
}
