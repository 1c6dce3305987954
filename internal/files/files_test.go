package files

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
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

func TestLockContextWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	// Held: a second taker waits, says so, and gives up when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var told int
	if _, err := LockContext(ctx, path, time.Hour, func(time.Duration) { told++ }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("LockContext on a held lock: want context.DeadlineExceeded, got %v", err)
	}
	if told != 1 {
		t.Fatalf("waiting was called %d times in a wait shorter than its period; want once, at the start", told)
	}
	// Released while a taker waits: the taker gets it.
	got := make(chan error, 1)
	go func() {
		un, err := LockContext(context.Background(), path, time.Hour, nil)
		if err == nil {
			un()
		}
		got <- err
	}()
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("LockContext after the holder released: %v", err)
	}
}
