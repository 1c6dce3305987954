// Package gatetest makes the small git repositories that sebs-gate's tests compare: a module with a
// CPU-bound function and its benchmark, committed once.
package gatetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BaseSpins makes one call of the tiny module's function take about a millisecond.
const BaseSpins = 800_000

// Package is the benchmark package of the tiny module, relative to its root.
const Package = "./bench"

const benchSource = `package bench

import (
	"testing"

	"example.com/tiny"
)

var sink uint64

func BenchmarkWork(b *testing.B) {
	for b.Loop() {
		sink = tiny.Work()
	}
}
`

// WorkSource is the tiny module's work.go, with a function that spins the given number of rounds.
func WorkSource(spins int) string {
	return fmt.Sprintf(`package tiny

// Work spins the CPU; the benchmark measures it.
func Work() uint64 {
	var s uint64 = 1
	for i := 0; i < %d; i++ {
		s = s*6364136223846793005 + uint64(i)
	}
	return s
}
`, spins)
}

// Repo creates a git repository holding the tiny module (work.go with BaseSpins, bench/bench_test.go with
// BenchmarkWork), commits it on branch main and returns the repository's directory.
func Repo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	WriteFile(t, filepath.Join(dir, "go.mod"), "module example.com/tiny\n\ngo 1.22\n")
	WriteFile(t, filepath.Join(dir, "work.go"), WorkSource(BaseSpins))
	WriteFile(t, filepath.Join(dir, "bench", "bench_test.go"), benchSource)
	Git(t, dir, "init", "-q", "-b", "main")
	Git(t, dir, "add", "-A")
	Git(t, dir, "-c", "user.name=gate test", "-c", "user.email=gate@example.com", "commit", "-q", "-m", "base")
	return dir
}

// AddBenchPackage writes a copy of the benchmark package under another directory name (uncommitted).
func AddBenchPackage(t testing.TB, dir, name string) {
	t.Helper()
	src := "package " + name + benchSource[len("package bench"):]
	WriteFile(t, filepath.Join(dir, name, "bench_test.go"), src)
}

// WriteFile writes text to path, creating its directory.
func WriteFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Git runs git in dir and fails the test if it fails.
func Git(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// Worktrees returns how many work trees git lists for the repository in dir (1: its own only).
func Worktrees(t testing.TB, dir string) int {
	t.Helper()
	cmd := exec.Command("git", "worktree", "list", "--porcelain")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git worktree list: %v", err)
	}
	return strings.Count("\n"+string(out), "\nworktree ")
}
