//go:build linux

package remotetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// suiteRun is one test binary run against the remote engine.
type suiteRun struct {
	pkg  string   // package directory, relative to the module root
	args []string // the binary's flags (-test.* and the package's own)
}

// binary is the name go test -c gives the package's test binary in an output directory.
func (r suiteRun) binary() string { return filepath.Base(r.pkg) + ".test" }

// result is what a run did: its process ID (the owner PID on everything it created), time and output.
type result struct {
	pid     int
	elapsed time.Duration
	out     []byte
	err     error
}

// moduleRoot is the module's root directory, two levels above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	return root
}

// compile builds the runs' test binaries into dir with one go test -c.
func compile(t *testing.T, ctx context.Context, root, dir string, runs []suiteRun) {
	t.Helper()
	args := []string{"test", "-c", "-o", dir + string(filepath.Separator)}
	for _, r := range runs {
		args = append(args, "./"+r.pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// execute runs the run's binary from dir in its package directory (tests read testdata there) with env
// added to this process's environment.
func execute(ctx context.Context, root, dir string, r suiteRun, env []string) result {
	cmd := exec.CommandContext(ctx, filepath.Join(dir, r.binary()), r.args...)
	cmd.Dir = filepath.Join(root, r.pkg)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{err: fmt.Errorf("start %s: %w", r.binary(), err)}
	}
	err := cmd.Wait()
	return result{pid: cmd.Process.Pid, elapsed: time.Since(start), out: out.Bytes(), err: err}
}

// summary counts the passed, failed and skipped tests and benchmarks in a -test.v output and returns the
// lines that name failures.
func summary(out []byte) (pass, fail, skip int, failures []string) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "--- PASS"):
			pass++
		case strings.HasPrefix(line, "--- FAIL"):
			fail++
			failures = append(failures, line)
		case strings.HasPrefix(line, "--- SKIP"):
			skip++
		case strings.HasPrefix(line, "Benchmark") && strings.Contains(line, "ns/op"):
			pass++
		}
	}
	return pass, fail, skip, failures
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// benchLines returns the benchmark result lines of an output.
func benchLines(out []byte) []string {
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") && strings.Contains(line, "ns/op") {
			lines = append(lines, line)
		}
	}
	return lines
}

// metric returns the value a benchmark result line reports in unit, and whether it reports one.
func metric(line, unit string) (float64, bool) {
	f := strings.Fields(line)
	for i := 1; i < len(f); i++ {
		if f[i] == unit {
			v, err := strconv.ParseFloat(f[i-1], 64)
			return v, err == nil
		}
	}
	return 0, false
}
