package sebstest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// codePackage writes a code package (function/function.py) under a fresh 0700 directory, as t.TempDir
// makes them.
func pyCodePackage(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "code")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "function"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "function", "function.py"), []byte("def handler(event):\n    return {}\n"), 0o600))
	require.NoError(t, os.Chmod(dir, 0o700))
	return dir
}

// TestCheckCodeLayout: a missing function.py and a code package the server's uid cannot read are
// reported before anything starts, with the fix (issue 12).
func TestCheckCodeLayout(t *testing.T) {
	empty := t.TempDir()
	err := checkCodeLayout("upstream function", empty, "function/function.py", 1000, 1000)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "function/function.py")

	dir := pyCodePackage(t)
	err = checkCodeLayout("python function", dir, "function/function.py", 65534, 65534)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "uid 65534")
	assert.Contains(t, err.Error(), "chmod -R a+rX "+dir)
	assert.NoError(t, checkCodeLayout("python function", dir, "function/function.py", os.Getuid(), os.Getgid()), "the owner reads its own 0700 package")

	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	}))
	assert.NoError(t, checkCodeLayout("python function", dir, "function/function.py", 65534, 65534), "after chmod -R a+rX")
}

// TestUpstreamImageChecksLayoutFirst: UpstreamImage refuses a code package without function.py, or one its
// server's user cannot read, before it looks for the image or starts a container, saying what to do.
func TestUpstreamImageChecksLayoutFirst(t *testing.T) {
	RequireDocker(t)
	ctx := context.Background()
	_, err := Start(ctx, UpstreamImage("sebs-no-such-image:0", t.TempDir()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "function/function.py")
	if os.Getuid() == 0 { // the server runs as 1000, who cannot enter a root-owned 0700 directory
		_, err = Start(ctx, UpstreamImage("sebs-no-such-image:0", pyCodePackage(t)))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "chmod -R a+rX")
	}
}
