//go:build unix

package sebstest

import (
	"os/exec"
	"syscall"
)

// inOwnGroup makes cmd lead a process group of its own and, when its context ends, sends SIGTERM to the
// whole group, so that a build script's children (debootstrap, docker) stop with it.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
}
