package sebsdir_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebsdir"
)

// files lists the regular files under dir, relative, with their permission bits.
func files(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = info.Mode().Perm()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLayoutAsUpstreamLocal(t *testing.T) {
	b := parse(t, filepath.Join(ours, "902.echo"))
	dst := filepath.Join(t.TempDir(), "code")
	p, err := b.Layout(t.Context(), sebs.LanguagePython, dst)
	if err != nil {
		t.Fatal(err)
	}
	got := files(t, p.Dir)
	var names []string
	for name, mode := range got {
		names = append(names, name)
		if mode&0o444 != 0o444 {
			t.Errorf("%s has mode %v: not readable by the image's unprivileged user", name, mode)
		}
	}
	slices.Sort(names)
	// copy_code takes *.py and requirements.txt*; init.sh adds suffix.txt; package_code moves all but
	// requirements.txt into function/. data/ is not copied: only init.sh brings its file.
	want := []string{"function/function.py", "function/suffix.txt", "requirements.txt"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("package files (-want +got):\n%s", diff)
	}
	if p.Requirements != filepath.Join(p.Dir, "requirements.txt") {
		t.Errorf("Requirements = %q", p.Requirements)
	}
	if len(p.InitScripts) != 1 || !strings.HasSuffix(p.InitScripts[0].Path, "902.echo/python/init.sh") {
		t.Errorf("InitScripts = %+v, want python/init.sh", p.InitScripts)
	}
	if st, err := os.Stat(p.Dir); err != nil || st.Mode().Perm()&0o555 != 0o555 {
		t.Errorf("package root %v (%v): want it world-readable and searchable", st.Mode(), err)
	}
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Errorf("Remove deleted a directory the caller gave: %v", err)
	}
}

func TestLayoutTempAndRefusals(t *testing.T) {
	b := parse(t, filepath.Join(ours, "901.seeded-walk"))
	p, err := b.Layout(t.Context(), sebs.LanguagePython, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]fs.FileMode{"function/function.py": 0o644}, files(t, p.Dir)); diff != "" {
		t.Errorf("901 package (-want +got):\n%s", diff)
	}
	if p.Requirements != "" {
		t.Errorf("Requirements = %q, want none", p.Requirements)
	}
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary package %s still there after Remove: %v", p.Dir, err)
	}

	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Layout(t.Context(), sebs.LanguagePython, full); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Layout into a non-empty directory: %v, want a refusal", err)
	}
	if _, err := b.Layout(t.Context(), sebs.LanguageNodeJS, ""); !errors.Is(err, sebsdir.ErrNoCode) {
		t.Errorf("Layout(nodejs) of a python-only benchmark: %v, want ErrNoCode", err)
	}
	v := parse(t, filepath.Join("testdata", "variants"))
	if _, err := v.Layout(t.Context(), sebs.LanguageNodeJS, ""); !errors.Is(err, sebsdir.ErrLanguage) {
		t.Errorf("Layout(nodejs): %v, want ErrLanguage", err)
	}
}

func TestLayoutReportsAFailingInitScript(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"config.json":        `{"timeout": 1, "memory": 64, "languages": ["python"], "modules": []}`,
		"input.py":           "def generate_input(*a):\n    return {}\n",
		"python/function.py": "def handler(event):\n    return {}\n",
		"init.sh":            "echo preparing; echo 'no data here' >&2; exit 3\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := parse(t, dir).Layout(t.Context(), sebs.LanguagePython, "")
	if err == nil || !strings.Contains(err.Error(), "init.sh") || !strings.Contains(err.Error(), "no data here") ||
		!strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Layout with a failing init.sh: %v, want the script, its status and its output", err)
	}
}
