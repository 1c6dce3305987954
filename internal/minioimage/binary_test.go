package minioimage_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/minioimage"
)

// TestBinaryCached: a binary already in the cache is returned as is, without building.
func TestBinaryCached(t *testing.T) {
	cache := t.TempDir()
	want := filepath.Join(cache, "v9.9.9", "linux_"+runtime.GOARCH, "minio")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("stand-in"), 0o755); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	got, err := minioimage.Binary(context.Background(), minioimage.BinaryOptions{Version: "v9.9.9", CacheDir: cache, Progress: &progress})
	if err != nil || got != want {
		t.Fatalf("Binary = %q, %v; want the cached %q", got, err, want)
	}
	if progress.Len() != 0 {
		t.Errorf("a cached binary still printed %q", progress.String())
	}
}

// TestBinaryBuildFails: a version the module proxy does not have fails with go's own words, naming the
// module and version, and leaves nothing in the cache.
func TestBinaryBuildFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the server is built on linux hosts only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cache := t.TempDir()
	var progress bytes.Buffer
	_, err := minioimage.Binary(ctx, minioimage.BinaryOptions{Version: "v0.0.0-20000101000000-000000000000", CacheDir: cache, Progress: &progress})
	if err == nil {
		t.Fatal("building a version that does not exist succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, minioimage.Module+"@v0.0.0-20000101000000-000000000000") || !strings.Contains(msg, "go install") {
		t.Errorf("error %q does not name the module, version and go install", msg)
	}
	if !strings.Contains(progress.String(), "building "+minioimage.Module) {
		t.Errorf("no progress line for the build: %q", progress.String())
	}
	left, _ := filepath.Glob(filepath.Join(cache, "*", "*"))
	if len(left) != 0 {
		t.Errorf("a failed build left %v in the cache", left)
	}
}
