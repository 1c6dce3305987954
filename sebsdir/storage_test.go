package sebsdir_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
)

// ourData is our directories' data root, laid out as upstream's benchmarks-data.
const ourData = "../fixtures/upstream/testdata/benchmarks-data"

// openManifest opens a session on our 905.bucket-manifest with its data, closed when the test ends, and
// returns it with the data directory.
func openManifest(t *testing.T) (*sebsdir.Session, string) {
	t.Helper()
	b := parse(t, filepath.Join(ours, "905.bucket-manifest"))
	data, err := sebsdir.DataDir(ourData, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sebsdir.Open(t.Context(), b, sebsdir.Options{Image: pythonImage(t), DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, data
}

// TestGenerateStorageInput: with storage, generate_input gets upstream's bucket and prefixes, and each
// upload_func call comes back keyed "<input prefix>/<name>": a data directory file as its host path, a
// file the script made as its bytes.
func TestGenerateStorageInput(t *testing.T) {
	s, _ := openManifest(t)
	buckets := s.StorageBuckets()
	want := sebsdir.Buckets{Bucket: sebsdir.BenchmarksBucket, Input: []string{"905.bucket-manifest-0-input"},
		Output: []string{"905.bucket-manifest-0-output"}}
	if diff := cmp.Diff(want, buckets); diff != "" {
		t.Errorf("StorageBuckets (-want +got):\n%s", diff)
	}
	in, uploads, err := s.GenerateStorageInput(t.Context(), fixtures.SizeSmall, buckets)
	if err != nil {
		t.Fatal(err)
	}
	wantIn := `{"bucket":{"bucket":"sebs-benchmarks-gosebs","input":"905.bucket-manifest-0-input","output":"905.bucket-manifest-0-output"},"object":{"prefix":"docs"},"passes":10}`
	if string(in) != wantIn {
		t.Errorf("input %s, want %s", in, wantIn)
	}
	var keys []string
	for _, u := range uploads {
		keys = append(keys, u.Key)
		switch {
		case u.Key == "905.bucket-manifest-0-input/docs/size.txt":
			if string(u.Data) != "size small\n" || u.Path != "" {
				t.Errorf("%s: data %q path %q, want the bytes the script wrote", u.Key, u.Data, u.Path)
			}
		case u.Path == "" || u.Data != nil:
			t.Errorf("%s: path %q data %q, want a data directory file by its path", u.Key, u.Path, u.Data)
		default:
			if _, err := os.Stat(u.Path); err != nil || !filepath.IsAbs(u.Path) {
				t.Errorf("%s: host path %s: %v", u.Key, u.Path, err)
			}
		}
	}
	wantKeys := []string{"905.bucket-manifest-0-input/docs/alpha.txt", "905.bucket-manifest-0-input/docs/beta.txt",
		"905.bucket-manifest-0-input/docs/notes/gamma.txt", "905.bucket-manifest-0-input/docs/size.txt"}
	if slices.Sort(keys); !slices.Equal(keys, wantKeys) {
		t.Errorf("uploads %v, want %v", keys, wantKeys)
	}
	// Without storage, upload_func still refuses.
	if _, err := s.GenerateInput(t.Context(), fixtures.SizeTest); !errors.Is(err, sebsdir.ErrNeedsStorage) {
		t.Errorf("GenerateInput without storage: %v, want ErrNeedsStorage", err)
	}
}

// TestGenerateStorageInputWithoutData: a benchmark that reads its data directory fails without one with
// its own error, which WithoutData explains; an upload_func index past buckets_count is the script's
// error.
func TestGenerateStorageInputWithoutData(t *testing.T) {
	b := parse(t, filepath.Join(ours, "905.bucket-manifest"))
	s, err := sebsdir.Open(t.Context(), b, sebsdir.Options{Image: pythonImage(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	_, _, err = s.GenerateStorageInput(t.Context(), fixtures.SizeTest, s.StorageBuckets())
	var serr *sebsdir.ScriptError
	if !errors.As(err, &serr) || serr.During != "generate_input" {
		t.Fatalf("GenerateStorageInput without data: %v, want generate_input's error", err)
	}
	if err := sebsdir.WithoutData(err, b, nil, "-sebs.data"); !errors.Is(err, sebsdir.ErrNoData) {
		t.Errorf("WithoutData: %v", err)
	}
	upload, err := sebsdir.Open(t.Context(), parse(t, filepath.Join(ours, "903.bucket-upload")), sebsdir.Options{Image: pythonImage(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { upload.Close() })
	_, _, err = upload.GenerateStorageInput(t.Context(), fixtures.SizeTest, sebsdir.Buckets{Bucket: "b", Output: []string{"out"}})
	if !errors.As(err, &serr) || serr.Type != "IndexError" {
		t.Errorf("no input prefix: %v, want upload_func's IndexError", err)
	}
}

// TestValidateStored: a validate_output that takes storage reads objects through the caller's fetch
// (called with the bucket and key it asked for); a fetch that fails, or none at all, reaches the
// validator as an exception, and Validate passes None.
func TestValidateStored(t *testing.T) {
	s, data := openManifest(t)
	in, _, err := s.GenerateStorageInput(t.Context(), fixtures.SizeTest, s.StorageBuckets())
	if err != nil {
		t.Fatal(err)
	}
	files := `{"docs/alpha.txt":{"lines":2,"sha256":"` + digest(t, data, "docs/alpha.txt") + `"},` +
		`"docs/beta.txt":{"lines":3,"sha256":"` + digest(t, data, "docs/beta.txt") + `"},` +
		`"docs/notes/gamma.txt":{"lines":0,"sha256":"` + digest(t, data, "docs/notes/gamma.txt") + `"},` +
		`"docs/size.txt":{"lines":1,"sha256":"x"}}`
	key := "905.bucket-manifest-0-output/manifest.1234abcd.json"
	out := json.RawMessage(`{"result":{"bucket":"sebs-benchmarks-gosebs","key":"` + key + `","files":` + files + `,"passes":1}}`)
	var asked []string
	stored := func(body string) sebsdir.Fetch {
		return func(_ context.Context, bucket, k string) ([]byte, error) {
			asked = append(asked, bucket+"/"+k)
			return []byte(body), nil
		}
	}
	if err := s.ValidateStored(t.Context(), sebs.LanguagePython, in, out, stored(files)); err != nil {
		t.Errorf("the stored manifest equals the returned one: %v", err)
	}
	if want := []string{"sebs-benchmarks-gosebs/" + key}; !slices.Equal(asked, want) {
		t.Errorf("fetched %v, want %v", asked, want)
	}
	var verr *sebsdir.ValidationError
	if err := s.ValidateStored(t.Context(), sebs.LanguagePython, in, out, stored(`{}`)); !errors.As(err, &verr) {
		t.Errorf("a stored manifest that differs: %v, want a verdict", err)
	}
	failing := func(context.Context, string, string) ([]byte, error) { return nil, errors.New("NoSuchKey: gone") }
	var serr *sebsdir.ScriptError
	if err := s.ValidateStored(t.Context(), sebs.LanguagePython, in, out, failing); !errors.As(err, &serr) ||
		serr.Type != "FetchFailed" || !strings.Contains(serr.Message, "NoSuchKey: gone") {
		t.Errorf("a fetch that fails: %v, want the validator to raise FetchFailed with the cause", err)
	}
	if err := s.Validate(t.Context(), sebs.LanguagePython, in, out); err != nil {
		t.Errorf("Validate (storage None): %v", err)
	}
}

func digest(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
