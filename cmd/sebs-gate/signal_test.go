package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs/internal/gate/gatetest"
)

// TestInterruptRemovesWorktree runs the built command on a tiny repository, interrupts it (as Ctrl-C
// does) once the first round is done, and checks that it exits 2 and leaves no git work tree behind.
func TestInterruptRemovesWorktree(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sebs-gate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := gatetest.Repo(t)
	// Each run takes about a second, so the interrupt lands in the middle of round 2.
	cmd := exec.Command(bin, "-count", "6", "-benchtime", "1000x", "-o", t.TempDir(), gatetest.Package)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), "round 1 of 6") {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Errorf("exit: %v, want status 2", err)
	}
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, "interrupted") || strings.Contains(out, "round 2 of 6") {
		t.Errorf("stderr does not show an interrupt during round 2:\n%s", out)
	}
	if n := gatetest.Worktrees(t, dir); n != 1 {
		t.Errorf("git lists %d work trees after the interrupt, want 1 (the repository's own)", n)
	}
}
