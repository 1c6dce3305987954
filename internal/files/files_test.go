package files

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	for _, content := range []string{"one", "two"} {
		if err := WriteAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("after WriteAtomic(%q): %q, %v", content, got, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want 1 (no temporary file left)", len(entries))
	}
	if err := WriteAtomic(filepath.Join(path, "no-dir", "x"), nil); err == nil {
		t.Errorf("WriteAtomic into a missing folder succeeded")
	}
}

func TestLockIsReleased(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	for range 2 { // a second Lock returns only if the first was released
		unlock, err := Lock(path)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
	}
}
