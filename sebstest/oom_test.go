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
