package sebsdir

import (
	_ "embed"
	"os"
	"path/filepath"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// driverSource is the Python driver the session's container runs (python3 -c): it loads input.py and
// answers requests on stdin.
//
//go:embed driver.py
var driverSource string

// Where the session's container sees the benchmark directory and the data directory (read-only).
const (
	benchmarkMount = "/benchmark"
	dataMount      = "/benchmarks-data"
)

// Label keys gosebs puts on what it creates (the same keys as sebstest's; values from [Options.Labels] or
// [defaultLabels]).
const (
	labelManaged   = "dev.gosebs.managed"
	labelOwnerPID  = "dev.gosebs.owner.pid"
	labelOwnerHost = "dev.gosebs.owner.host"
	labelTestScope = "dev.gosebs.test.scope"
	labelKind      = "dev.gosebs.kind"
	envTestScope   = "SEBS_TEST_SCOPE"
)

// Default limits of the session's container.
const (
	DefaultMemory    = 1 << 30 // bytes
	defaultPidsLimit = 256
	defaultTmpfs     = "rw,nosuid,nodev,size=512m"
)

// defaultLabels are the labels used when [Options.Labels] is nil: managed, this process as owner, and the
// test scope from SEBS_TEST_SCOPE. Callers with sebstest's owner labels (which add the owner's start
// identity) should pass those instead.
func defaultLabels() map[string]string {
	host, _ := os.Hostname()
	l := map[string]string{labelManaged: "true", labelOwnerPID: strconv.Itoa(os.Getpid()),
		labelOwnerHost: host, labelKind: "sebsdir-driver"}
	if scope := os.Getenv(envTestScope); scope != "" {
		l[labelTestScope] = scope
	}
	return l
}

// hostUser is "uid:gid" of this process, which the driver runs as so that it reads the benchmark
// directory as the caller can (a directory of mode 0700 included; capabilities are dropped, so root in
// the container reads only what root's file modes allow). Empty, the image's user, where there are no
// POSIX ids.
func hostUser() string {
	uid, gid := os.Getuid(), os.Getgid()
	if uid < 0 || gid < 0 {
		return ""
	}
	return strconv.Itoa(uid) + ":" + strconv.Itoa(gid)
}

// driverContainer is the configuration of a session's container: the driver as the command, run as the
// calling user, stdin open,
// no network, benchmark (and data) directories read-only, a read-only root with a /tmp tmpfs, no
// capabilities, no new privileges, memory and PID limits.
func driverContainer(image, benchDir string, o Options) (*container.Config, *container.HostConfig) {
	labels := o.Labels
	if labels == nil {
		labels = defaultLabels()
	}
	dataArg := ""
	mounts := []mount.Mount{{Type: mount.TypeBind, Source: benchDir, Target: benchmarkMount, ReadOnly: true}}
	if o.DataDir != "" {
		dataArg = dataMount
		mounts = append(mounts, mount.Mount{Type: mount.TypeBind, Source: o.DataDir, Target: dataMount, ReadOnly: true})
	}
	memory := o.Memory
	if memory <= 0 {
		memory = DefaultMemory
	}
	pids := int64(defaultPidsLimit)
	treePath := filepath.Base(filepath.Dir(benchDir)) + "/" + filepath.Base(benchDir) // "<group>/<NNN.name>"
	cfg := &container.Config{
		Image:           image,
		User:            hostUser(),
		Cmd:             []string{"python3", "-c", driverSource, benchmarkMount, dataArg, treePath},
		Env:             []string{"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "HOME=/tmp"},
		WorkingDir:      "/tmp",
		Labels:          labels,
		OpenStdin:       true,
		StdinOnce:       true,
		AttachStdin:     true,
		AttachStdout:    true,
		AttachStderr:    true,
		NetworkDisabled: true,
	}
	host := &container.HostConfig{
		NetworkMode:    "none",
		Mounts:         mounts,
		ReadonlyRootfs: true,
		Tmpfs:          map[string]string{"/tmp": defaultTmpfs},
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Resources:      container.Resources{Memory: memory, PidsLimit: &pids},
	}
	return cfg, host
}
