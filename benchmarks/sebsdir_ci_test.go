package benchmarks

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// ourDirs is where our benchmark directories in upstream's layout live, relative to this package.
const ourDirs = "../fixtures/upstream"

// TestSeBSDirRunsOurDirectories is BenchmarkSeBSDir's path in CI: 901.seeded-walk and 902.echo through
// sebstest.BenchmarkDir, inputs from their generate_input, every output checked by their validate_output,
// in the sequential and cold modes of bench.Run at size test and by single calls at size small.
func TestSeBSDirRunsOurDirectories(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python image (built on first use, minutes); not in -short")
	}
	sizes := []fixtures.Size{fixtures.SizeTest, fixtures.SizeSmall}
	for _, name := range []string{"901.seeded-walk", "902.echo"} {
		t.Run(name, func(t *testing.T) {
			bm, err := sebsdir.Parse(filepath.Join(ourDirs, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := bm.Runnable(sebs.LanguagePython); err != nil {
				t.Fatalf("our own directory must run: %v", err)
			}
			d := openBenchmarkDir(t, bm.Dir, sizes, dirEnv{})
			fn := d.start(t, config{})
			if fn.Name != name || fn.Benchmark != name {
				t.Errorf("function %q of benchmark %q, want both named %q after the directory", fn.Name, fn.Benchmark, name)
			}
			for _, mode := range []bench.Mode{bench.ModeSequential, bench.ModeCold} {
				r := testing.Benchmark(func(b *testing.B) { d.run(b, mode, fixtures.SizeTest, config{}, fn) })
				if r.N == 0 {
					t.Errorf("%s mode at size test failed (no iteration completed; run the benchmark for its error)", mode)
				}
			}
			res, err := fn.Invoke(t.Context(), d.inputs[fixtures.SizeSmall])
			if err != nil {
				t.Fatal(err)
			}
			out, err := res.HandlerOutput()
			if err != nil {
				t.Fatal(err)
			}
			check := d.validator(t.Context(), fixtures.SizeSmall)
			if err := check(out); err != nil {
				t.Errorf("size small: %v", err)
			}
			if err := check(json.RawMessage(`{"result": {}}`)); !errors.Is(err, sebsdir.ErrInvalidOutput) {
				t.Errorf("an empty result passed validate_output (err %v): the hook does not check", err)
			}
		})
	}
}

// TestSeBSDirRefusesServices: 903 without object storage and 904 (NoSQL) are refused by the source, and
// skipped by the suite with the reason, before anything starts.
func TestSeBSDirRefusesServices(t *testing.T) {
	cases := []struct {
		name   string
		want   error
		reason string
	}{
		{"903.bucket-upload", sebsdir.ErrNeedsStorage, "buckets_count() returns (1, 1)"},
		{"904.nosql-cart", sebsdir.ErrNeedsNoSQL, `config.json's modules lists "nosql"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bm, err := sebsdir.Parse(filepath.Join(ourDirs, tc.name))
			if err != nil {
				t.Fatal(err)
			}
			why := refusal(bm.Runnable(sebs.LanguagePython))
			if !strings.HasPrefix(why, "refused by design, also under CI=true") || !strings.Contains(why, tc.reason) {
				t.Errorf("the suite's skip says %q; want a refusal by design with %q", why, tc.reason)
			}
			sebstest.RequireDocker(t)
			fn, err := sebstest.Start(t.Context(), sebstest.BenchmarkDir(bm.Dir, sebs.LanguagePython))
			if fn != nil {
				_ = fn.Stop(t.Context())
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("BenchmarkDir(%s) started with error %v; want %v naming %q", tc.name, err, tc.want, tc.reason)
			}
		})
	}
}

// TestBenchmarkDirs: the flag wins over the environment; a directory is itself, a root gives the
// benchmark directories under it in order, relative paths are also read from the module root; an entry
// with nothing to run is an error naming it.
func TestBenchmarkDirs(t *testing.T) {
	abs, err := filepath.Abs(ourDirs)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"901.seeded-walk", "902.echo", "903.bucket-upload", "904.nosql-cart", "905.bucket-manifest"}
	for _, tc := range []struct {
		flag, env string
		want      []string
	}{
		{"", "", nil},
		{ourDirs, "", all},
		{"", ourDirs, all},
		{"fixtures/upstream/902.echo", ourDirs, []string{"902.echo"}},
		{ourDirs + "/904.nosql-cart, fixtures/upstream", "", []string{"904.nosql-cart", "901.seeded-walk", "902.echo", "903.bucket-upload", "905.bucket-manifest"}},
		{filepath.Dir(abs), "", all}, // fixtures/: searched below its python/ and go/ trees too
	} {
		got, err := benchmarkDirs(tc.flag, tc.env)
		if err != nil {
			t.Errorf("benchmarkDirs(%q, %q): %v", tc.flag, tc.env, err)
			continue
		}
		var names []string
		for _, g := range got {
			if filepath.Dir(g) != abs {
				t.Errorf("benchmarkDirs(%q, %q) found %s outside %s", tc.flag, tc.env, g, abs)
			}
			names = append(names, filepath.Base(g))
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("benchmarkDirs(%q, %q) = %v, want %v", tc.flag, tc.env, names, tc.want)
		}
	}
	empty := t.TempDir()
	if err := os.Mkdir(filepath.Join(empty, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{empty, filepath.Join(empty, "missing")} {
		if _, err := benchmarkDirs(bad, ""); err == nil || !strings.Contains(err.Error(), "-sebs.dirs") {
			t.Errorf("benchmarkDirs(%q) = %v, want an error naming the flag", bad, err)
		}
	}
}
