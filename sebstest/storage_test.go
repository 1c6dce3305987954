package sebstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/serve/storage"
)

const testBucket = "must-show"

// storageOutput invokes fn with input and returns its decoded storage output; the call must succeed.
func storageOutput(t *testing.T, fn *sebstest.Function, input map[string]any) fixtures.StorageOutput {
	t.Helper()
	res, err := fn.Invoke(t.Context(), input)
	if err != nil {
		t.Fatalf("invoke %s: %v", fn.Name, err)
	}
	raw, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	out, err := fixtures.DecodeStorageOutput(input, raw)
	if err != nil {
		t.Fatalf("%v (output %s)", err, raw)
	}
	t.Logf("%s: client %s; in the function: download %.0f µs (%.0f B), compute %.0f µs, upload %.0f µs (%.0f B)",
		fn.Name, res.Times.ClientDuration(), out.Measurement.DownloadTime, out.Measurement.DownloadSize,
		out.Measurement.ComputeTime, out.Measurement.UploadTime, out.Measurement.UploadSize)
	return out
}

// handlerError invokes fn with input, which must fail in the handler within limit, and returns the error.
func handlerError(t *testing.T, fn *sebstest.Function, input map[string]any, limit time.Duration) *sebs.HandlerError {
	t.Helper()
	began := time.Now()
	res, err := fn.Invoke(t.Context(), input)
	took := time.Since(began)
	var he *sebs.HandlerError
	if !errors.As(err, &he) || !errors.Is(err, sebs.ErrInvocationFailed) {
		t.Fatalf("invoke = %v, %v; want a handler error (ErrInvocationFailed)", res, err)
	}
	if took > limit {
		t.Errorf("the failing call took %s, want at most %s", took, limit)
	}
	t.Logf("failed after %s: %s: %s", took.Round(time.Millisecond), he.Type, he.Message)
	return he
}

// wantHandlerError checks a handler error's type, and that its message names the object and the cause.
func wantHandlerError(t *testing.T, he *sebs.HandlerError, typ, object, cause string) {
	t.Helper()
	if he.Type != typ || !strings.Contains(he.Message, object) || !strings.Contains(he.Message, cause) {
		t.Errorf("handler error = %s %q; want %s naming %s and %q", he.Type, he.Message, typ, object, cause)
	}
}

// TestStorageThumbnailerPython: an input image put in the bucket, the Python thumbnailer run beside the
// storage, and the thumbnail read back: a JPEG of the requested size. A missing bucket, a wrong key and a
// frozen server fail with the wrapper's typed errors naming the object and the cause, in time.
func TestStorageThumbnailerPython(t *testing.T) {
	st := sebstest.NewStorage(t)
	ctx := t.Context()
	if strings.Contains(st.String(), "MINIO_SECRET") {
		t.Errorf("storage description %q shows a key", st)
	}
	if err := st.Client().MakeBucket(ctx, testBucket); err != nil {
		t.Fatal(err)
	}
	img, err := fixtures.ThumbnailerImage(640, 480)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Client().Put(ctx, testBucket, "in/photo.jpg", img); err != nil {
		t.Fatal(err)
	}
	fn := sebstest.New(t, sebstest.Fixture("thumbnailer", sebs.LanguagePython), sebstest.WithStorage(st))
	if raw, _ := json.Marshal(fn.LocalFunction); strings.Contains(string(raw), "MINIO") {
		t.Errorf("the function's JSON shows the storage environment: %s", raw)
	}

	input := fixtures.ThumbnailerInput(testBucket, "in", "out", "photo.jpg", 200, 200)
	out := storageOutput(t, fn, input)
	thumb, err := st.Client().DownloadStream(ctx, testBucket, out.Result.Key)
	if err != nil {
		t.Fatalf("read the thumbnail back: %v", err)
	}
	size, err := fixtures.ValidateThumbnail(thumb, 200, 200)
	if err != nil || size.X != 200 || size.Y != 150 {
		t.Fatalf("thumbnail of 640x480 in 200x200: %v, %v; want a 200x150 JPEG", size, err)
	}
	if int(out.Measurement.DownloadSize) != len(img) || int(out.Measurement.UploadSize) != len(thumb) {
		t.Errorf("measurement %+v; want download_size %d, upload_size %d", out.Measurement, len(img), len(thumb))
	}

	limit := time.Duration(fn.Config.Timeout) * time.Second
	t.Run("missing bucket", func(t *testing.T) {
		he := handlerError(t, fn, fixtures.ThumbnailerInput("no-such-bucket", "in", "out", "photo.jpg", 200, 200), limit)
		wantHandlerError(t, he, "NoSuchBucket", "s3://no-such-bucket/in/photo.jpg", "no such bucket")
	})
	t.Run("wrong key", func(t *testing.T) {
		he := handlerError(t, fn, fixtures.ThumbnailerInput(testBucket, "in", "out", "nothing.jpg", 200, 200), limit)
		wantHandlerError(t, he, "NoSuchKey", "s3://"+testBucket+"/in/nothing.jpg", "no such key")
	})
	t.Run("storage frozen", func(t *testing.T) {
		// The default bounds (10 s, 2 tries) keep a frozen server's call inside the function's timeout;
		// 2 s and one try keep this test short.
		quick := sebstest.New(t, sebstest.Fixture("thumbnailer", sebs.LanguagePython), sebstest.WithStorage(st),
			testcontainers.WithEnv(map[string]string{storage.EnvTimeout: "2", storage.EnvAttempts: "1"}))
		storageOutput(t, quick, input) // cold call while the server answers
		if err := st.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := st.Unpause(context.Background()); err != nil {
				t.Error(err)
			}
		}()
		he := handlerError(t, quick, input, 3*2*time.Second)
		wantHandlerError(t, he, "StorageUnavailable", "s3://"+testBucket+"/in/photo.jpg", "storage unavailable")
	})
}

// TestStorageCompressionPython: a data set put under a prefix, the Python compression run beside the
// storage, and the archive read back: it holds exactly the inputs, by key. A prefix with no objects is a
// NoSuchKey naming it.
func TestStorageCompressionPython(t *testing.T) {
	st := sebstest.NewStorage(t)
	ctx := t.Context()
	// The data set as files in a folder, stored as upstream's upload_func stores a benchmark's data.
	dir := t.TempDir()
	want := map[string][]byte{}
	for name, data := range fixtures.CompressionFiles(6, 8<<10) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[path.Join("in", "set", name)] = data
	}
	keys, err := st.UploadDir(ctx, testBucket, "in/set", dir)
	if err != nil || len(keys) != len(want) {
		t.Fatalf("UploadDir stored %v, %v; want %d keys", keys, err, len(want))
	}
	fn := sebstest.New(t, sebstest.Fixture("compression", sebs.LanguagePython), sebstest.WithStorage(st))
	out := storageOutput(t, fn, fixtures.CompressionInput(testBucket, "in", "out", "set"))
	archive, err := st.Client().DownloadStream(ctx, testBucket, out.Result.Key)
	if err != nil {
		t.Fatalf("read the archive back: %v", err)
	}
	if err := fixtures.ValidateArchive(archive, want); err != nil {
		t.Fatal(err)
	}
	he := handlerError(t, fn, fixtures.CompressionInput(testBucket, "in", "out", "nothing"), time.Duration(fn.Config.Timeout)*time.Second)
	wantHandlerError(t, he, "NoSuchKey", "s3://"+testBucket+"/in/nothing/", "no objects")
}

// TestWithStorageRefusesNil: WithStorage without a server fails the start, saying what to do.
func TestWithStorageRefusesNil(t *testing.T) {
	_, err := sebstest.Start(t.Context(), sebstest.Image("none"), sebstest.WithStorage(nil))
	if err == nil || !strings.Contains(err.Error(), "NewStorage") {
		t.Errorf("Start with WithStorage(nil) = %v, want an error naming NewStorage", err)
	}
}
