package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/minioimage/miniotest"
	"github.com/gosebs/sebs/internal/testmain"
	"github.com/gosebs/sebs/serve/storage"
)

// TestMain sweeps what dead test runs left, and fails the package if a test leaves a goroutine or a
// container of this process behind.
func TestMain(m *testing.M) { testmain.Run(m, nil) }

// TestOperations runs upstream's operations against a real MinIO server, and their failures.
func TestOperations(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	env := miniotest.Start(t, ctx, storage.Config{Timeout: 2 * time.Second, Attempts: 1})
	srv, c := env.Server, env.Host
	if err := c.MakeBucket(ctx, "bench"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(src, []byte("file body"), 0o644); err != nil {
		t.Fatal(err)
	}

	key, err := c.Upload(ctx, "bench", "set/in.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DownloadStream(ctx, "bench", key)
	if err != nil || string(got) != "file body" {
		t.Fatalf("DownloadStream(%s) = %q, %v", key, got, err)
	}
	key2, err := c.UploadStream(ctx, "bench", "set/sub/stream.bin", []byte{1, 2, 3})
	if err != nil || key2 == "set/sub/stream.bin" {
		t.Fatalf("UploadStream = %q, %v; want a unique key", key2, err)
	}
	out := filepath.Join(dir, "out")
	if err := c.DownloadDirectory(ctx, "bench", "set/", out); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{key: "file body", key2: "\x01\x02\x03"} {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(k)))
		if err != nil || string(data) != want {
			t.Errorf("downloaded %s = %q, %v; want %q", k, data, err, want)
		}
	}
	keys, err := c.List(ctx, "bench", "set/")
	if err != nil || !slices.Equal(keys, slices.Sorted(slices.Values([]string{key, key2}))) {
		t.Errorf("List = %v, %v", keys, err)
	}

	for _, tc := range []struct {
		name        string
		bucket, key string
		kind        error
	}{
		{"missing bucket", "nope-bucket", "x", storage.ErrNoSuchBucket},
		{"wrong key", "bench", "set/none", storage.ErrNoSuchKey},
	} {
		_, err := c.DownloadStream(ctx, tc.bucket, tc.key)
		var se *storage.Error
		if !errors.As(err, &se) || !errors.Is(err, tc.kind) || se.Bucket != tc.bucket || se.Key != tc.key {
			t.Errorf("%s: DownloadStream = %v; want a *storage.Error for %s/%s that is %v", tc.name, err, tc.bucket, tc.key, tc.kind)
		}
	}

	if err := srv.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	err = c.Download(ctx, "bench", key, filepath.Join(dir, "again"))
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("download from a stopped server: %v, want ErrUnavailable", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("download from a stopped server took %s, want well under the 2 s timeout's multiple", took)
	}
}
