package sebstest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/serve/storage"
)

// roundtripOutput is what testdata/storage-nodejs answers to a roundtrip.
type roundtripOutput struct {
	Keys      []string          `json:"keys"`
	Written   string            `json:"written"`
	Stream    string            `json:"stream"`
	File      string            `json:"file"`
	Directory map[string]string `json:"directory"`
}

// TestStorageNodeJS: a Node.js function stores an object through our storage.js (uploadStream and upload,
// under unique keys) and reads it back (downloadStream, download, downloadDirectory): every copy equals
// what was written, in the function and read from the test. A missing bucket, a missing key and a frozen
// server fail with the wrapper's typed errors naming the object and the cause, within the function's
// timeout.
func TestStorageNodeJS(t *testing.T) {
	st := sebstest.NewStorage(t)
	ctx := t.Context()
	if err := st.Client().MakeBucket(ctx, testBucket); err != nil {
		t.Fatal(err)
	}
	fn := sebstest.New(t, sebstest.NodeFunction("testdata/storage-nodejs"), sebstest.WithStorage(st))
	const size = 3<<20 + 5 // more than one socket read, not a round number
	res, err := fn.Invoke(ctx, map[string]any{"op": "roundtrip", "bucket": testBucket, "name": "node/data.bin", "size": size})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	var out roundtripOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("output %s: %v", raw, err)
	}
	unique := regexp.MustCompile(`^node/data\.[0-9a-f]{8}\.bin$`)
	if len(out.Keys) != 2 || out.Keys[0] == out.Keys[1] {
		t.Fatalf("keys %v; want two different keys", out.Keys)
	}
	for _, key := range out.Keys {
		data, err := st.Get(ctx, testBucket, key)
		sum := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(sum[:]) != out.Written || len(data) != size || !unique.MatchString(key) {
			t.Errorf("s3://%s/%s: %d bytes, %v; want the %d bytes written under a unique name", testBucket, key, len(data), err, size)
		}
		if out.Directory[key] != out.Written {
			t.Errorf("downloadDirectory's copy of %s differs from what was written", key)
		}
	}
	if out.Stream != out.Written || out.File != out.Written {
		t.Errorf("read back in the function: stream %s, file %s; want %s", out.Stream, out.File, out.Written)
	}
	t.Logf("round trip of %d bytes, twice each way: client %s, in the function %s", size, res.Times.ClientDuration(), res.Times.BenchmarkDuration())

	limit := time.Duration(fn.Config.Timeout) * time.Second
	download := func(bucket, key string) map[string]any {
		return map[string]any{"op": "download", "bucket": bucket, "key": key}
	}
	t.Run("missing bucket", func(t *testing.T) {
		he := handlerError(t, fn, download("no-such-bucket", "a/b.bin"), limit)
		wantHandlerError(t, he, "NoSuchBucket", "s3://no-such-bucket/a/b.bin", "no such bucket")
	})
	t.Run("missing key", func(t *testing.T) {
		he := handlerError(t, fn, download(testBucket, "node/nothing.bin"), limit)
		wantHandlerError(t, he, "NoSuchKey", "s3://"+testBucket+"/node/nothing.bin", "no such key")
	})
	t.Run("storage frozen", func(t *testing.T) {
		// The default bounds (10 s, 2 tries) keep a frozen server's call inside the function's timeout;
		// 2 s and one try keep this test short.
		quick := sebstest.New(t, sebstest.NodeFunction("testdata/storage-nodejs"), sebstest.WithStorage(st),
			testcontainers.WithEnv(map[string]string{storage.EnvTimeout: "2", storage.EnvAttempts: "1"}))
		if _, err := quick.Invoke(ctx, download(testBucket, out.Keys[0])); err != nil { // cold call while the server answers
			t.Fatal(err)
		}
		if err := st.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := st.Unpause(context.Background()); err != nil {
				t.Error(err)
			}
		}()
		he := handlerError(t, quick, download(testBucket, out.Keys[0]), 3*2*time.Second)
		wantHandlerError(t, he, "StorageUnavailable", "s3://"+testBucket+"/"+out.Keys[0], "storage unavailable")
	})
}
