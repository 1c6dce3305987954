package gate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// workSource is a tiny module's function; spins sets how much work one call does.
func workSource(spins int) string {
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

// baseSpins makes one call take about a millisecond.
const baseSpins = 800_000

// tinyRepo creates a git repository holding a module with a function (work.go) and its benchmark
// (bench/bench_test.go), commits it, and returns the repository's directory.
func tinyRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/tiny\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "work.go"), workSource(baseSpins))
	writeFile(t, filepath.Join(dir, "bench", "bench_test.go"), benchSource)
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=gate test", "-c", "user.email=gate@example.com", "commit", "-q", "-m", "base")
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}
