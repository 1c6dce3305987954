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

// TestBinaryBuiltOnceAtOnce: processes that need the binary at once (go test runs packages side by side)
// build it once; the others wait for it, say so, and get the same binary. A stand-in go command counts
// the builds.
func TestBinaryBuiltOnceAtOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the server is built on linux hosts only")
	}
	fake := t.TempDir()
	builds := filepath.Join(fake, "builds")
	script := "#!/bin/sh\necho build >> " + builds + "\nsleep 2\nprintf stand-in > \"$GOBIN/minio\"\n"
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cache := t.TempDir()
	const takers = 3
	type answer struct {
		bin      string
		err      error
		progress string
	}
	answers := make(chan answer, takers)
	for range takers {
		go func() {
			var progress bytes.Buffer
			bin, err := minioimage.Binary(ctx, minioimage.BinaryOptions{Version: "v1.2.3", CacheDir: cache, Progress: &progress})
			answers <- answer{bin, err, progress.String()}
		}()
	}
	var waited int
	for range takers {
		a := <-answers
		if a.err != nil {
			t.Fatal(a.err)
		}
		if data, err := os.ReadFile(a.bin); err != nil || string(data) != "stand-in" {
			t.Fatalf("Binary returned %s holding %q (%v); want the stand-in build", a.bin, data, err)
		}
		if strings.Contains(a.progress, "waiting for another process's build") {
			waited++
		}
	}
	log, err := os.ReadFile(builds)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "build"); n != 1 {
		t.Fatalf("%d takers at once ran %d builds; want 1", takers, n)
	}
	if waited == 0 {
		t.Errorf("none of the %d takers that did not build said it waited for the build", takers-1)
	}
}
