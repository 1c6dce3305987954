package sebstest

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

// TestProcessState: a process that has exited is gone; a live process counts as the container's only
// when its cgroup names the container (else it may be another PID namespace's process of that number).
func TestProcessState(t *testing.T) {
	if runtime.GOOS != "linux" {
		if got := processState(os.Getpid(), "x"); got != procUnknown {
			t.Fatalf("off Linux processState = %v, want unknown", got)
		}
		return
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if got := processState(cmd.Process.Pid, "x"); got != procGone {
		t.Errorf("an exited, reaped process: %v, want gone", got)
	}
	if got := processState(os.Getpid(), strings.Repeat("f", 64)); got != procUnknown {
		t.Errorf("this process with another container's ID: %v, want unknown", got)
	}
	if got := processState(0, "x"); got != procUnknown {
		t.Errorf("pid 0: %v, want unknown", got)
	}
}

// TestStatExiting: a /proc stat line says a process is going when it is a zombie or dead, or when it has
// begun to exit (PF_EXITING in its flags) though its state still reads running; a name with spaces and
// parentheses does not confuse it, and a line it cannot read is not taken for either.
func TestStatExiting(t *testing.T) {
	for _, c := range []struct {
		line          string
		exiting, read bool
	}{
		{"4242 (fault) S 4200 4242 4242 0 -1 1077936384 120 0 0 0 3 1 0 0 20 0 5 0", false, true},
		{"4242 (fault) R 4200 4242 4242 0 -1 1077936452 120 0 0 0 3 1 0 0 20 0 5 0", true, true}, // 0x40400144: PF_EXITING
		{"4242 (fault) Z 4200 4242 4242 0 -1 1077936384 120", true, true},
		{"4242 (a (b) c) S 4200 4242 4242 0 -1 4194304 120", false, true},
		{"4242 (a (b) c) D 4200 4242 4242 0 -1 4194308 120", true, true},
		{"4242 (fault) S 4200", false, false},
		{"4242 (fault) S 4200 4242 4242 0 -1 lots 120", false, false},
		{"no name", false, false},
	} {
		if exiting, read := statExiting([]byte(c.line)); exiting != c.exiting || read != c.read {
			t.Errorf("%q: exiting %v, read %v; want %v, %v", c.line, exiting, read, c.exiting, c.read)
		}
	}
}

// TestOOMErrorMatchesBoth: the OOM error names the limit and what to change, and matches both
// ErrOutOfMemory and the error it wraps.
func TestOOMErrorMatchesBoth(t *testing.T) {
	inner := &sebs.InvocationError{Kind: sebs.ErrConnection, URL: "http://127.0.0.1:1/"}
	err := error(&oomError{name: "sleep", limitMB: 64, exitCode: 137, err: inner})
	var ie *sebs.InvocationError
	if !errors.Is(err, ErrOutOfMemory) || !errors.Is(err, sebs.ErrConnection) || !errors.As(err, &ie) {
		t.Fatalf("%v does not match ErrOutOfMemory, sebs.ErrConnection and *sebs.InvocationError", err)
	}
	want := "function sleep ran out of its 64 MB memory limit (OOM-killed, exit 137); raise FunctionConfig.Memory"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%q does not say %q", err, want)
	}
}
