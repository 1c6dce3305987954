//go:build !unix

package sebstest

import "os/exec"

// inOwnGroup leaves cmd as exec.CommandContext made it where there are no Unix process groups: when its
// context ends, the script alone is killed.
func inOwnGroup(cmd *exec.Cmd) {}
