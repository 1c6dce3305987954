package sebsdir_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebsdir"
)

// ours is where our benchmark directories in upstream's layout live.
const ours = "../fixtures/upstream"

func parse(t testing.TB, dir string) *sebsdir.Benchmark {
	t.Helper()
	b, err := sebsdir.Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseOurDirectories(t *testing.T) {
	for _, tc := range []struct {
		name      string
		timeout   int
		memory    int
		needs     []sebsdir.Service
		validator bool
	}{
		{"901.seeded-walk", 60, 128, nil, true},
		{"902.echo", 30, 128, nil, true},
		{"903.bucket-upload", 30, 128, []sebsdir.Service{sebsdir.ObjectStorage}, true},
		{"904.nosql-cart", 30, 128, []sebsdir.Service{sebsdir.NoSQL}, false},
		{"905.bucket-manifest", 60, 256, []sebsdir.Service{sebsdir.ObjectStorage}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := parse(t, filepath.Join(ours, tc.name))
			if b.Name != tc.name || !filepath.IsAbs(b.Dir) {
				t.Errorf("Name %q Dir %q, want %q and an absolute path", b.Name, b.Dir, tc.name)
			}
			cfg := b.FunctionConfig(sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11"})
			if cfg.Timeout != tc.timeout || cfg.Memory != tc.memory {
				t.Errorf("FunctionConfig timeout %d memory %d, want %d %d", cfg.Timeout, cfg.Memory, tc.timeout, tc.memory)
			}
			if diff := cmp.Diff([]sebs.Language{sebs.LanguagePython}, b.Code); diff != "" {
				t.Errorf("Code (-want +got):\n%s", diff)
			}
			var got []sebsdir.Service
			for _, n := range b.Needs {
				got = append(got, n.Service)
			}
			if diff := cmp.Diff(tc.needs, got); diff != "" {
				t.Errorf("Needs (-want +got):\n%s", diff)
			}
			if b.Input.ValidateOutput != tc.validator {
				t.Errorf("Input.ValidateOutput %v, want %v", b.Input.ValidateOutput, tc.validator)
			}
			err := b.Runnable(sebs.LanguagePython)
			if (err == nil) != (len(tc.needs) == 0) {
				t.Errorf("Runnable(python) = %v, want an error only for a benchmark with needs", err)
			}
		})
	}
}

func TestRunnableSaysWhy(t *testing.T) {
	storage := parse(t, filepath.Join(ours, "903.bucket-upload")).Runnable(sebs.LanguagePython)
	if !errors.Is(storage, sebsdir.ErrNeedsStorage) || !strings.Contains(storage.Error(), "needs object storage") ||
		!strings.Contains(storage.Error(), "buckets_count() returns (1, 1)") {
		t.Errorf("903: %v, want ErrNeedsStorage naming buckets_count's (1, 1)", storage)
	}
	if err := parse(t, filepath.Join(ours, "903.bucket-upload")).Runnable(sebs.LanguagePython, sebsdir.ObjectStorage); err != nil {
		t.Errorf("903 with storage provided: %v, want runnable", err)
	}
	if err := parse(t, filepath.Join(ours, "904.nosql-cart")).Runnable(sebs.LanguagePython, sebsdir.ObjectStorage); !errors.Is(err, sebsdir.ErrNeedsNoSQL) {
		t.Errorf("904 with storage provided: %v, want ErrNeedsNoSQL still", err)
	}
	nosql := parse(t, filepath.Join(ours, "904.nosql-cart")).Runnable(sebs.LanguagePython)
	if !errors.Is(nosql, sebsdir.ErrNeedsNoSQL) || !strings.Contains(nosql.Error(), "needs a NoSQL store") ||
		!strings.Contains(nosql.Error(), "allocate_nosql") {
		t.Errorf("904: %v, want ErrNeedsNoSQL naming allocate_nosql", nosql)
	}
	walk := parse(t, filepath.Join(ours, "901.seeded-walk"))
	if err := walk.Runnable(sebs.LanguageNodeJS); !errors.Is(err, sebsdir.ErrNoCode) {
		t.Errorf("901 in nodejs: %v, want ErrNoCode", err)
	}
}

func TestParseLanguageVariantsAndModules(t *testing.T) {
	b := parse(t, filepath.Join("testdata", "variants"))
	want := sebsdir.Config{Timeout: 7, Memory: 256, Modules: []string{"storage", "nosql"}, Languages: []sebsdir.LanguageSpec{
		{Language: sebs.LanguagePython, Variants: []string{"default"}},
		{Language: sebs.LanguageNodeJS, Variants: []string{"default", "bun"}},
		{Language: sebs.LanguageJava, Variants: []string{"default"}},
	}}
	if diff := cmp.Diff(want, b.Config); diff != "" {
		t.Errorf("Config (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]sebs.Language{sebs.LanguagePython, sebs.LanguageNodeJS}, b.Code); diff != "" {
		t.Errorf("Code: java has no directory (-want +got):\n%s", diff)
	}
	if b.Input.Buckets != nil || !b.Input.BucketsCount {
		t.Errorf("Input: buckets_count's result is not a literal, got %+v", b.Input)
	}
	if len(b.Needs) != 2 || !strings.Contains(b.Needs[0].Reason, `modules lists "storage"`) ||
		!strings.Contains(b.Needs[0].Reason, "not a literal") {
		t.Errorf("Needs = %+v, want storage (modules and an unreadable buckets_count) and nosql", b.Needs)
	}
	err := b.Runnable(sebs.LanguageNodeJS)
	for _, target := range []error{sebsdir.ErrLanguage, sebsdir.ErrNeedsStorage, sebsdir.ErrNeedsNoSQL} {
		if !errors.Is(err, target) {
			t.Errorf("Runnable(nodejs) = %v, want it to match %v", err, target)
		}
	}
}

func TestParseRejectsIncompleteDirectories(t *testing.T) {
	for dir, want := range map[string]string{
		"no-config":      "needs config.json",
		"no-generate":    "defines no generate_input",
		"missing":        "needs config.json",
		"partial-config": `no "timeout"`,
	} {
		_, err := sebsdir.Parse(filepath.Join("testdata", dir))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", dir, err, want)
		}
	}
}
