package minioimage_test

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	sebs "github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/internal/minioimage/miniotest"
	"github.com/gosebs/sebs/serve/storage"
)

const bucket = "benchmarks"

// world is one MinIO server on a network of its own, with the Python image to run functions beside it.
type world struct {
	*miniotest.Env
	python string // the Python image
}

// newWorld starts MinIO with a bucket and finds the Python image; everything is removed at the end of
// the test, and the test fails if the server container or the network is still there.
func newWorld(t testing.TB, ctx context.Context) *world {
	t.Helper()
	w := &world{Env: miniotest.Start(t, ctx, storage.Config{Timeout: 10 * time.Second})}
	w.python = pythonImage(t, ctx)
	for _, s := range []string{w.Server.String(), w.Server.GoString()} {
		for k, v := range w.Server.Env() {
			if k != storage.EnvAddress && strings.Contains(s, v) {
				t.Errorf("the server's description %q shows %s", s, k)
			}
		}
	}
	if err := w.Host.MakeBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if err := w.Host.MakeBucket(ctx, bucket); err != nil {
		t.Errorf("making an existing bucket again: %v, want nil", err)
	}
	return w
}

// function starts a Python fixture beside the server and returns a trigger for it.
func (w *world) function(t testing.TB, ctx context.Context, fixture string, extraEnv map[string]string) *sebs.HTTPTrigger {
	t.Helper()
	env := w.Server.Env()
	for k, v := range extraEnv {
		env[k] = v
	}
	url := runFunction(t, ctx, w.Cli, w.python, w.Network, codeDir(t, fixture), env)
	trig := sebs.NewHTTPTrigger(url)
	t.Cleanup(trig.Close)
	return trig
}

// call invokes trig with input and decodes the storage benchmark's output.
func call(t testing.TB, ctx context.Context, trig *sebs.HTTPTrigger, input map[string]any) (fixtures.StorageOutput, *sebs.ExecutionResult) {
	t.Helper()
	res, err := trig.Invoke(ctx, input)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	raw, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	out, err := fixtures.DecodeStorageOutput(input, raw)
	if err != nil {
		t.Fatalf("%v (output %s)", err, raw)
	}
	return out, res
}

// handlerError invokes trig with input, which must fail in the handler, and returns the handler's error.
func handlerError(t *testing.T, ctx context.Context, trig *sebs.HTTPTrigger, input map[string]any) (*sebs.HandlerError, time.Duration) {
	t.Helper()
	began := time.Now()
	res, err := trig.Invoke(ctx, input)
	took := time.Since(began)
	var he *sebs.HandlerError
	if !errors.As(err, &he) {
		t.Fatalf("invoke = %v, %v; want a handler error", res, err)
	}
	if !errors.Is(err, sebs.ErrInvocationFailed) {
		t.Errorf("invoke error %v is not ErrInvocationFailed", err)
	}
	return he, took
}

// wantError checks a handler error's type and that its message names the object and the cause.
func wantError(t *testing.T, he *sebs.HandlerError, typ, object, cause string) {
	t.Helper()
	if he.Type != typ || !strings.Contains(he.Message, object) || !strings.Contains(he.Message, cause) {
		t.Errorf("handler error = %s %q; want %s naming %s and %q", he.Type, he.Message, typ, object, cause)
	}
}

// calls makes a cold call and warmCalls warm ones with input, checks each output with check, and logs
// the figures of the warm ones.
func calls(t *testing.T, ctx context.Context, trig *sebs.HTTPTrigger, input map[string]any, name string, check func(fixtures.StorageOutput)) {
	t.Helper()
	var clients []time.Duration
	var ms []fixtures.StorageMeasurement
	for i := range warmCalls + 1 {
		out, res := call(t, ctx, trig, input)
		check(out)
		took := time.Duration(res.Times.Client) * time.Microsecond
		if i == 0 {
			t.Logf("%s: cold call (the container's first; the server imported the function, boto3 included, before it listened) %s", name, took)
			continue
		}
		clients = append(clients, took)
		ms = append(ms, out.Measurement)
	}
	figures(t, name, clients, ms)
}

// figures logs per-call figures: the client's time and the function's own storage measurements.
func figures(t *testing.T, name string, clients []time.Duration, ms []fixtures.StorageMeasurement) {
	t.Helper()
	slices.Sort(clients)
	var dl, ul, cp []float64
	for _, m := range ms {
		dl, ul, cp = append(dl, m.DownloadTime), append(ul, m.UploadTime), append(cp, m.ComputeTime)
	}
	med := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	t.Logf("%s, %d warm calls: client median %s (min %s, max %s); in the function, median download %.0f µs (%.0f B), compute %.0f µs, upload %.0f µs (%.0f B)",
		name, len(clients), clients[len(clients)/2].Round(time.Microsecond), clients[0].Round(time.Microsecond), clients[len(clients)-1].Round(time.Microsecond),
		med(dl), ms[0].DownloadSize, med(cp), med(ul), ms[0].UploadSize)
}

const warmCalls = 10

// putThumbnailerInput stores a 640x480 JPEG as upstream's generate_input would, and returns the event that
// asks for its 200x200 thumbnail, and the image.
func putThumbnailerInput(t testing.TB, ctx context.Context, w *world) (map[string]any, []byte) {
	t.Helper()
	img, err := fixtures.ThumbnailerImage(640, 480)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Host.Put(ctx, bucket, "210.thumbnailer/input/sample.jpg", img); err != nil {
		t.Fatal(err)
	}
	return fixtures.ThumbnailerInput(bucket, "210.thumbnailer/input", "210.thumbnailer/output", "sample.jpg", 200, 200), img
}

// putCompressionInput stores a data set of 12 files of 8 KiB, and returns the event that asks for its
// archive, and the objects the archive must hold, by key.
func putCompressionInput(t testing.TB, ctx context.Context, w *world) (map[string]any, map[string][]byte) {
	t.Helper()
	want := map[string][]byte{}
	for name, data := range fixtures.CompressionFiles(12, 8<<10) {
		key := path.Join("311.compression/input/dataset", name)
		if err := w.Host.Put(ctx, bucket, key, data); err != nil {
			t.Fatal(err)
		}
		want[key] = data
	}
	return fixtures.CompressionInput(bucket, "311.compression/input", "311.compression/output", "dataset"), want
}

func TestStorageFunctions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	w := newWorld(t, ctx)

	t.Run("thumbnailer", func(t *testing.T) {
		input, img := putThumbnailerInput(t, ctx, w)
		trig := w.function(t, ctx, "thumbnailer", nil)
		calls(t, ctx, trig, input, "thumbnailer 640x480 -> 200x150", func(out fixtures.StorageOutput) {
			thumb, err := w.Host.DownloadStream(ctx, bucket, out.Result.Key)
			if err != nil {
				t.Fatalf("read the thumbnail back: %v", err)
			}
			size, err := fixtures.ValidateThumbnail(thumb, 200, 200)
			if err != nil {
				t.Fatal(err)
			}
			if size.X != 200 || size.Y != 150 {
				t.Fatalf("thumbnail of 640x480 in 200x200 is %v, want 200x150", size)
			}
			if int(out.Measurement.UploadSize) != len(thumb) || int(out.Measurement.DownloadSize) != len(img) {
				t.Errorf("measurement sizes %+v, want download %d, upload %d", out.Measurement, len(img), len(thumb))
			}
		})

		t.Run("missing bucket", func(t *testing.T) {
			in := fixtures.ThumbnailerInput("no-such-bucket", "in", "out", "sample.jpg", 200, 200)
			he, _ := handlerError(t, ctx, trig, in)
			wantError(t, he, "NoSuchBucket", "s3://no-such-bucket/in/sample.jpg", "no such bucket")
		})
		t.Run("wrong key", func(t *testing.T) {
			in := fixtures.ThumbnailerInput(bucket, "210.thumbnailer/input", "210.thumbnailer/output", "nothing.jpg", 200, 200)
			he, _ := handlerError(t, ctx, trig, in)
			wantError(t, he, "NoSuchKey", "s3://"+bucket+"/210.thumbnailer/input/nothing.jpg", "no such key")
		})
	})

	t.Run("compression", func(t *testing.T) {
		input, want := putCompressionInput(t, ctx, w)
		trig := w.function(t, ctx, "compression", nil)
		calls(t, ctx, trig, input, "compression of 12 files of 8 KiB", func(out fixtures.StorageOutput) {
			if !strings.HasSuffix(out.Result.Key, ".zip") {
				t.Errorf("archive key %q does not end in .zip", out.Result.Key)
			}
			archive, err := w.Host.DownloadStream(ctx, bucket, out.Result.Key)
			if err != nil {
				t.Fatalf("read the archive back: %v", err)
			}
			if err := fixtures.ValidateArchive(archive, want); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("wrong key", func(t *testing.T) {
			in := fixtures.CompressionInput(bucket, "311.compression/input", "311.compression/output", "no-dataset")
			he, _ := handlerError(t, ctx, trig, in)
			wantError(t, he, "NoSuchKey", "s3://"+bucket+"/311.compression/input/no-dataset/", "no objects")
		})
		t.Run("missing bucket", func(t *testing.T) {
			in := fixtures.CompressionInput("no-such-bucket", "in", "out", "dataset")
			he, _ := handlerError(t, ctx, trig, in)
			wantError(t, he, "NoSuchBucket", "s3://no-such-bucket/in/dataset/", "no such bucket")
		})
	})

	t.Run("upload dir", func(t *testing.T) {
		dir := t.TempDir()
		for name, data := range fixtures.CompressionFiles(4, 100) {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		keys, err := minioimage.UploadDir(ctx, w.Host, bucket, "set", dir)
		if err != nil {
			t.Fatal(err)
		}
		listed, err := w.Host.List(ctx, bucket, "set/")
		want := []string{"set/file-00.txt", "set/file-01.txt", "set/file-03.txt", "set/sub/file-02.txt"}
		if slices.Sort(keys); err != nil || !slices.Equal(keys, want) || !slices.Equal(listed, want) {
			t.Errorf("UploadDir stored %v, List gives %v (%v); want %v", keys, listed, err, want)
		}
	})

	// Last: it stops the server.
	t.Run("storage down", func(t *testing.T) {
		const timeout = 2 // seconds, the function's storage timeout
		trig := w.function(t, ctx, "thumbnailer", map[string]string{"SEBS_STORAGE_TIMEOUT": "2", "SEBS_STORAGE_ATTEMPTS": "1"})
		input := fixtures.ThumbnailerInput(bucket, "210.thumbnailer/input", "210.thumbnailer/output", "sample.jpg", 200, 200)
		call(t, ctx, trig, input) // the server is up: the cold call succeeds

		// Frozen: connections are accepted by the kernel but nothing answers; the call times out.
		if _, err := w.Cli.ContainerPause(ctx, w.Server.ContainerID(), client.ContainerPauseOptions{}); err != nil {
			t.Fatal(err)
		}
		he, took := handlerError(t, ctx, trig, input)
		if _, err := w.Cli.ContainerUnpause(ctx, w.Server.ContainerID(), client.ContainerUnpauseOptions{}); err != nil {
			t.Fatal(err)
		}
		wantError(t, he, "StorageUnavailable", "s3://"+bucket+"/210.thumbnailer/input/sample.jpg", "storage unavailable")
		if took > 2*timeout*time.Second {
			t.Errorf("a call against a frozen server took %s, want about the %d s storage timeout", took, timeout)
		}
		t.Logf("frozen server: the call failed after %s: %s", took.Round(time.Millisecond), he.Message)

		// Gone: the server is killed; the connection is refused (or the name no longer resolves).
		if _, err := w.Cli.ContainerKill(ctx, w.Server.ContainerID(), client.ContainerKillOptions{}); err != nil {
			t.Fatal(err)
		}
		he, took = handlerError(t, ctx, trig, input)
		wantError(t, he, "StorageUnavailable", "s3://"+bucket+"/210.thumbnailer/input/sample.jpg", "storage unavailable")
		if took > 2*timeout*time.Second {
			t.Errorf("a call against a killed server took %s, want at most about the %d s storage timeout", took, timeout)
		}
		t.Logf("killed server: the call failed after %s: %s", took.Round(time.Millisecond), he.Message)
	})
}
