//go:build linux

package netnsengine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrUnsupported is wrapped by the error of [Check] and [Start] when this machine cannot run an engine:
// not root, or a program missing.
var ErrUnsupported = errors.New("netnsengine: cannot start a Docker engine in a network namespace here")

// programs are what Start runs, with the Debian package that has each.
var programs = []struct{ name, pkg string }{
	{"ip", "iproute2"},
	{"nsenter", "util-linux"},
	{"unshare", "util-linux"},
	{"mount", "mount"},
	{"sh", "dash"},
	{"dockerd", "docker.io"},
	{"docker-init", "tini"},
	{"containerd", "containerd"},
	{"runc", "runc"},
	{"iptables", "iptables"},
}

// Check reports what this machine lacks to start an engine: root, and the programs Start runs. Its error
// wraps [ErrUnsupported] and names each missing piece and how to get it.
func Check() error {
	var missing []string
	if uid := os.Geteuid(); uid != 0 {
		missing = append(missing, fmt.Sprintf("root (running as uid %d): run as root, e.g. sudo -E make test-remote", uid))
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p.name); err != nil {
			missing = append(missing, fmt.Sprintf("%s on PATH (Debian: apt-get install %s)", p.name, p.pkg))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: needs %s", ErrUnsupported, strings.Join(missing, "; "))
	}
	return nil
}
