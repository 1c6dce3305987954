package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// side is one version under comparison: its test binary, the package directory it runs in (as `go test`
// runs it), and the file its results accumulate in.
type side struct {
	name string // "base" or "head"
	dir  string
	bin  string
	out  io.Writer
}

// build compiles the package's test binary with `go test -c`.
func (s side) build(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", s.bin, ".")
	cmd.Dir = s.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the %s test binary in %s (go test -c): %w\n%s\nfix the build, or pick a -base that builds",
			s.name, s.dir, err, strings.TrimSpace(string(out)))
	}
	if _, err := os.Stat(s.bin); err != nil {
		return fmt.Errorf("go test -c wrote no %s test binary for %s: the package has no _test.go files there, "+
			"so it has no benchmark to run; pass the package that holds your Benchmark functions", s.name, s.dir)
	}
	return nil
}

// gracePeriod is how long an interrupted test binary gets to remove what it started (containers) before
// it is killed.
const gracePeriod = 30 * time.Second

// run runs the test binary once with args, appends its benchmark output to the side's file and returns
// the number of benchmark results it printed.
func (s side) run(ctx context.Context, args []string) (int, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Dir = s.dir
	// On an interrupt, let the benchmark's own cleanup run, as Ctrl-C on `go test` would.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = gracePeriod
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("%s benchmarks interrupted: %w", s.name, ctx.Err())
	}
	if err != nil {
		return 0, fmt.Errorf("%s benchmarks failed in %s: %w\n%s\nrun them alone with `go test -run '^$' -bench ...` to see why",
			s.name, s.dir, err, tail(stdout.String()+stderr.String(), 30))
	}
	if _, err := s.out.Write(stdout.Bytes()); err != nil {
		return 0, fmt.Errorf("save the %s results: %w", s.name, err)
	}
	return countResults(stdout.Bytes()), nil
}

// countResults counts the benchmark result lines in Go benchmark output.
func countResults(out []byte) int {
	n := 0
	r := benchfmt.NewReader(bytes.NewReader(out), "")
	for r.Scan() {
		if _, ok := r.Result().(*benchfmt.Result); ok {
			n++
		}
	}
	return n
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// errNoBenchmarks marks a -bench expression that matched nothing.
var errNoBenchmarks = errors.New("no benchmark matched")
