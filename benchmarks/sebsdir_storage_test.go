package benchmarks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// ourData is our benchmark directories' data root, laid out as upstream's benchmarks-data.
const ourData = "../fixtures/upstream/testdata/benchmarks-data"

// TestSeBSDirRunsStorageDirectories is BenchmarkSeBSDir's storage path in CI: 903.bucket-upload (an
// upload generate_input makes itself) and 905.bucket-manifest (uploads from its data directory) run on one
// MinIO server, in sequential mode at sizes test and small and in cold mode at size test, every output
// checked by their validate_output (which reads the stored objects back); 905's manifests are then read
// from the server and checked against the data files here too.
func TestSeBSDirRunsStorageDirectories(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python and MinIO images (built on first use, minutes); not in -short")
	}
	dirs := []string{filepath.Join(ourDirs, "903.bucket-upload"), filepath.Join(ourDirs, "905.bucket-manifest")}
	data, from, err := dataRoot("", ourData)
	if err != nil {
		t.Fatal(err)
	}
	env := dirEnv{data: data, dataFrom: from, storage: sebstest.NewStorage(t)}
	var passed, failed []string
	ran := func(name string, ok bool) {
		if ok {
			passed = append(passed, name)
		} else {
			failed = append(failed, name)
		}
	}
	for _, cfg := range []config{
		{sizes: []fixtures.Size{fixtures.SizeTest, fixtures.SizeSmall}, modes: []bench.Mode{bench.ModeSequential}, concurrency: 1},
		{sizes: []fixtures.Size{fixtures.SizeTest}, modes: []bench.Mode{bench.ModeCold}, concurrency: 1},
	} {
		testing.Benchmark(func(b *testing.B) { runSeBSDirs(b, cfg, dirs, env, ran) })
	}
	if len(failed) > 0 || len(passed) != 6 {
		t.Fatalf("passed %v, failed %v; want 6 passes (2 directories: sequential at 2 sizes, cold at 1): run "+
			"go test -run '^$' -bench SeBSDir ./benchmarks/ -sebs.dirs=fixtures/upstream -sebs.data=fixtures/upstream/testdata/benchmarks-data for the errors", passed, failed)
	}
	checkManifests(t, env.storage, filepath.Join(ourData, "905.bucket-manifest"))
}

// checkManifests reads every manifest 905 wrote back from st and compares it with the data directory.
func checkManifests(t *testing.T, st *sebstest.Storage, dataDir string) {
	t.Helper()
	keys, err := st.Client().List(t.Context(), sebsdir.BenchmarksBucket, "905.bucket-manifest-0-output/")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("905 wrote no manifest under 905.bucket-manifest-0-output/")
	}
	for _, key := range keys {
		body, err := st.Get(t.Context(), sebsdir.BenchmarksBucket, key)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, rel := range []string{"docs/alpha.txt", "docs/beta.txt", "docs/notes/gamma.txt"} {
			data, err := os.ReadFile(filepath.Join(dataDir, rel))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if got[rel].SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: %s has digest %q, want the data file's %x", key, rel, got[rel].SHA256, sum)
			}
		}
		if _, ok := got["docs/size.txt"]; !ok || len(got) != 4 {
			t.Errorf("%s lists %v, want the three data files and docs/size.txt", key, slices.Sorted(maps.Keys(got)))
		}
	}
}
