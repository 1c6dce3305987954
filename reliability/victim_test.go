package reliability

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/reliability/internal/victim"
)

// victimStartTimeout bounds how long a victim may take to start its containers.
const victimStartTimeout = 2 * time.Minute

// buildVictim compiles the victim test program once per test and returns the binary's path.
func buildVictim(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "victim.test")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./internal/victim").CombinedOutput()
	if err != nil {
		t.Fatalf("build the victim program: %v\n%s", err, out)
	}
	return bin
}

// victimRun is a running victim process.
type victimRun struct {
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	containers []string
	output     *syncBuffer   // everything it printed, for failure messages
	exited     chan struct{} // closed when the process has ended and been waited for
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startVictim runs the victim with extra test flags and labels its containers with label ("key=value").
// Its resources also carry the test scope named by label's value (owner.LabelTestScope), so only this
// test's scoped sweep removes them, never a sweep of a package running alongside.
// With waitReady it waits until the victim reports its two containers up. The process is killed when the
// test ends, if it still runs.
func startVictim(t *testing.T, bin, label string, waitReady bool, flags ...string) *victimRun {
	t.Helper()
	return startVictimEnv(t, bin, label, waitReady, nil, flags...)
}

// startVictimEnv is startVictim with extra environment variables ("KEY=value") for the victim.
func startVictimEnv(t *testing.T, bin, label string, waitReady bool, env []string, flags ...string) *victimRun {
	t.Helper()
	args := append([]string{"-test.run=^TestVictim$", "-test.count=1"}, flags...)
	cmd := exec.Command(bin, args...)
	_, scope, _ := strings.Cut(label, "=")
	cmd.Env = append(os.Environ(), "SEBS_VICTIM=1", "SEBS_VICTIM_LABEL="+label, owner.EnvTestScope+"="+scope)
	cmd.Env = append(cmd.Env, env...)
	v := &victimRun{cmd: cmd, output: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = v.output
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	v.stdin = stdin
	// Whatever the test's outcome, the victim's leftovers go when it ends: every sweep but a scoped one
	// leaves them alone, and a failed check used to leave them on the engine for good (seen after a CI
	// failure). Registered first, this runs last, after the victim is killed and waited for.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sweepScope(ctx, t, scope)
	})
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the victim: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = stdin.Close()
		<-v.exited
	})
	ready := make(chan []string, 1)
	go func() {
		var ids []string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(v.output, line)
			if id, ok := strings.CutPrefix(line, victim.ContainerLine); ok {
				ids = append(ids, strings.TrimSpace(id))
			}
			if line == victim.ReadyLine {
				ready <- ids
			}
		}
		_ = cmd.Wait() // after stdout is drained, as Wait requires; ProcessState says how it ended
		close(v.exited)
		close(ready)
	}()
	if !waitReady {
		return v
	}
	select {
	case ids, ok := <-ready:
		if !ok || len(ids) != 2 {
			t.Fatalf("the victim did not report two containers (got %v); its output:\n%s", ids, v.output)
		}
		v.containers = ids
	case <-time.After(victimStartTimeout):
		t.Fatalf("the victim did not start its containers within %v; its output:\n%s", victimStartTimeout, v.output)
	}
	return v
}

// wait waits for the victim to end, at most timeout, and returns how it ended.
func (v *victimRun) wait(t *testing.T, timeout time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-v.exited:
		return v.cmd.ProcessState
	case <-time.After(timeout):
		t.Fatalf("the victim still runs %v later; its output:\n%s", timeout, v.output)
		return nil
	}
}
