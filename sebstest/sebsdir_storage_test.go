package sebstest_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
	"github.com/gosebs/sebs/sebstest"
)

// TestBenchmarkDirWithStorage runs 905.bucket-manifest from its directory on a storage server:
// generate_input's uploads (data directory files and a file it writes) stored by PrepareDir, the function
// started WithStorage, its output passing the directory's validate_output and its manifest object read
// back. Without WithStorage the same source is refused before anything starts.
func TestBenchmarkDirWithStorage(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python and MinIO images (built on first use, minutes); not in -short")
	}
	dir := filepath.Join("../fixtures/upstream", "905.bucket-manifest")
	src := sebstest.BenchmarkDir(dir, sebs.LanguagePython)
	if _, err := sebstest.Start(t.Context(), src); !errors.Is(err, sebsdir.ErrNeedsStorage) {
		t.Fatalf("Start without WithStorage: %v, want ErrNeedsStorage", err)
	}
	st := sebstest.NewStorage(t)
	b, err := sebsdir.Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := sebsdir.DataDir("../fixtures/upstream/testdata/benchmarks-data", b)
	if err != nil {
		t.Fatal(err)
	}
	image, err := sebstest.PythonImage(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := sebsdir.Open(t.Context(), b, sebsdir.Options{Image: image, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	input, err := st.PrepareDir(t.Context(), sess, fixtures.SizeTest)
	if err != nil {
		t.Fatal(err)
	}
	fn := sebstest.New(t, src, sebstest.WithStorage(st))
	res, err := fn.Invoke(t.Context(), input)
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.ValidateStored(t.Context(), sebs.LanguagePython, input, out, st.Get); err != nil {
		t.Fatal(err)
	}
	var o struct {
		Result struct{ Bucket, Key string } `json:"result"`
	}
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatal(err)
	}
	manifest, err := st.Get(t.Context(), o.Result.Bucket, o.Result.Key)
	if err != nil {
		t.Fatalf("read the manifest back: %v", err)
	}
	var files map[string]json.RawMessage
	if err := json.Unmarshal(manifest, &files); err != nil || len(files) != 4 {
		t.Errorf("manifest %s (%v): want the 4 files generate_input uploaded", manifest, err)
	}
	t.Logf("905 at size test: client %s, in the function %s", res.Times.ClientDuration(), res.Times.BenchmarkDuration())
}
