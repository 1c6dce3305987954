package sebstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

// TestCodePackageAddsStorageWrapper: a Python or Node.js code package without its language's wrapper
// (function/storage.py, function/storage.js) is laid out again with the wrapper beside its function,
// readable by all; one that has its own, a Go source and no storage are left alone.
func TestCodePackageAddsStorageWrapper(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for lang, ext := range map[sebs.Language]string{sebs.LanguagePython: ".py", sebs.LanguageNodeJS: ".js"} {
		t.Run(string(lang), func(t *testing.T) { checkCodePackage(t, lang, ext) })
	}
}

// checkCodePackage checks codePackage for a code package of lang, whose files end in ext.
func checkCodePackage(t *testing.T, lang sebs.Language, ext string) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "function", "__pycache__"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "function", "function"+ext), []byte("handler\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := &Storage{}
	sp, err := st.codePackage(spec{language: lang, codeDir: src, hash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	if sp.codeDir == src {
		t.Fatal("the code package was not laid out again")
	}
	wrapper, err := os.ReadFile(filepath.Join(sp.codeDir, "function", "storage"+ext))
	if err != nil || !strings.Contains(string(wrapper), "get_instance") {
		t.Errorf("function/storage%s: %d bytes, %v; want our wrapper", ext, len(wrapper), err)
	}
	for name, mode := range map[string]os.FileMode{"function/function" + ext: 0o644, "function/storage" + ext: 0o644, "function": 0o755 | os.ModeDir} {
		fi, err := os.Stat(filepath.Join(sp.codeDir, name))
		if err != nil || fi.Mode() != mode {
			t.Errorf("%s: %v, %v; want mode %v", name, fi.Mode(), err, mode)
		}
	}
	if _, err := os.Stat(filepath.Join(sp.codeDir, "function", "__pycache__")); err == nil {
		t.Error("__pycache__ copied")
	}
	again, err := st.codePackage(spec{language: lang, codeDir: src, hash: "h1"})
	if err != nil || again.codeDir != sp.codeDir {
		t.Errorf("the same package again: %s, %v; want the cached %s", again.codeDir, err, sp.codeDir)
	}
	for _, keep := range []struct {
		st *Storage
		sp spec
	}{
		{st, spec{language: lang, codeDir: sp.codeDir}}, // has its wrapper
		{st, spec{language: sebs.LanguageGo}},
		{nil, spec{language: lang, codeDir: src}},
	} {
		got, err := keep.st.codePackage(keep.sp)
		if err != nil || got.codeDir != keep.sp.codeDir {
			t.Errorf("codePackage(%+v) moved the code to %q (%v)", keep.sp, got.codeDir, err)
		}
	}
}
