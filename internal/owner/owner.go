// Package owner is the identity of the processes that create our Docker resources: the labels put on
// every container, network and image (managed, owner pid, owner start, owner host, test scope, kind), how
// a process is identified for good (/proc start time and boot ID on Linux), and whether the owner named by
// a resource's labels still runs.
package owner

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Prefix starts every label key this module owns; users' labels may not use it.
const Prefix = "dev.gosebs."

// LabelFunction names the function a container runs.
const LabelFunction = "dev.gosebs.function"

// Label keys put on every container, image and network this package creates. The owner labels say which
// process created the resource, so the sweep (package sweep) can tell leftovers of a dead process from resources in use.
const (
	// LabelManaged marks a resource as created by this package; its value is "true".
	LabelManaged = "dev.gosebs.managed"
	// LabelOwnerPID is the creating process's ID, in decimal.
	LabelOwnerPID = "dev.gosebs.owner.pid"
	// LabelOwnerStart identifies the creating process's start, so a PID reused by a later process is not
	// mistaken for the owner. See [Labels] for its format.
	LabelOwnerStart = "dev.gosebs.owner.start"
	// LabelOwnerHost is the host name of the machine the creating process runs on.
	LabelOwnerHost = "dev.gosebs.owner.host"
	// LabelTestScope marks a resource made by a test that leaves leftovers on purpose (a test of the sweep
	// itself, or of a killed test run) and removes them itself with a scoped sweep: every other sweep leaves
	// it alone, so tests running in parallel packages do not remove each other's evidence. [Labels] sets
	// it from the environment variable SEBS_TEST_SCOPE.
	LabelTestScope = "dev.gosebs.test.scope"
	// LabelKind says what a resource is for; images meant to be kept and reused across runs (tagged by
	// content hash) carry [KindImage], which the sweep (package sweep) never removes.
	LabelKind = "dev.gosebs.kind"
)

// Values of [LabelKind].
const (
	// KindImage marks a function image tagged by content hash, kept and reused across runs.
	KindImage = "image"
)

// fallbackStart stands in for the process start time where /proc is not available: the time this
// package was initialised, which is as good as unique for one process on one host.
var fallbackStart = time.Now()

// self is this process's start identity, computed once.
var self = sync.OnceValue(func() string { return startIdentity("self", fallbackStart) })

// host is this machine's host name, computed once.
var host = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
})

// Self returns this process's start identity (see [Labels] for its format).
func Self() string { return self() }

// Host returns this machine's host name, "unknown" when it has none.
func Host() string { return host() }

// Labels returns the labels this package puts on every resource it creates: [LabelManaged] "true",
// [LabelOwnerPID], [LabelOwnerStart] and [LabelOwnerHost] for the calling process. The map is new on
// each call; the caller may add to it.
//
// The owner start identity is, on Linux, "linux:<boot id>:<start ticks>": the kernel's boot ID
// (/proc/sys/kernel/random/boot_id) and the process's start time in clock ticks since boot (field 22 of
// /proc/self/stat). Together they name one process for good, even after its PID is reused or the machine
// reboots. Elsewhere it is "time:<unix nanoseconds>", the time this package was initialised, which only
// this process itself can check: the sweep (package sweep) then treats any live process with the owner's PID as the owner.
func Labels() map[string]string {
	l := map[string]string{
		LabelManaged:    "true",
		LabelOwnerPID:   strconv.Itoa(os.Getpid()),
		LabelOwnerStart: self(),
		LabelOwnerHost:  host(),
	}
	if scope := os.Getenv(EnvTestScope); scope != "" {
		l[LabelTestScope] = scope
	}
	return l
}

// EnvTestScope names the environment variable whose value [Labels] puts in [LabelTestScope].
const EnvTestScope = "SEBS_TEST_SCOPE"

// StartIdentity returns the start identity of another process of this host, as [Labels] would give it
// in that process; tests use it to label resources as a live process's.
func StartIdentity(pid int) string { return startIdentity(strconv.Itoa(pid), time.Time{}) }

// startIdentity returns the start identity of process pid ("self" for this one) as described at
// [Labels]. Off Linux, or if /proc cannot be read, it is based on fallback.
func startIdentity(pid string, fallback time.Time) string {
	if runtime.GOOS == "linux" {
		if id, err := procStartIdentity(pid); err == nil {
			return id
		}
	}
	return "time:" + strconv.FormatInt(fallback.UnixNano(), 10)
}

// procStartIdentity reads the Linux start identity of process pid from /proc. It fails with an error
// wrapping fs.ErrNotExist when the process does not exist.
func procStartIdentity(pid string) (string, error) {
	id, _, err := procIdentityState(pid)
	return id, err
}

// procIdentityState reads the Linux start identity and the state letter (R, S, Z, …) of process pid.
func procIdentityState(pid string) (identity, state string, err error) {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", "", fmt.Errorf("read boot id: %w", err)
	}
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", "", fmt.Errorf("read process %s status: %w", pid, err)
	}
	state, ticks, err := parseStat(stat)
	if err != nil {
		return "", "", fmt.Errorf("parse process %s status: %w", pid, err)
	}
	return "linux:" + string(bytes.TrimSpace(boot)) + ":" + ticks, state, nil
}

// statStartTicks returns field 22 (starttime) of a /proc/<pid>/stat line.
func statStartTicks(stat []byte) (string, error) {
	_, ticks, err := parseStat(stat)
	return ticks, err
}

// parseStat returns field 3 (state) and field 22 (starttime) of a /proc/<pid>/stat line. Field 2, the
// command name in parentheses, may contain spaces and parentheses, so fields are counted after its
// last ')'.
func parseStat(stat []byte) (state, ticks string, err error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", "", errors.New("no ')' after the command name")
	}
	// After ")": field 3 (state) is the first, so starttime (field 22) is the 20th.
	fields := strings.Fields(string(stat[i+1:]))
	const idx = 22 - 3
	if len(fields) <= idx {
		return "", "", fmt.Errorf("%d fields after the command name, want more than %d", len(fields), idx)
	}
	if _, err := strconv.ParseUint(fields[idx], 10, 64); err != nil {
		return "", "", fmt.Errorf("start time %q: %w", fields[idx], err)
	}
	return fields[0], fields[idx], nil
}

// State is what can be known about the process that owns a labelled resource.
type State int

// The states [Of] reports.
const (
	Alive   State = iota // the owner runs: never touch its resources
	Gone                 // the owner has exited (or its PID now belongs to another process)
	Unknown              // another host's process, or labels that name no process
)

// Of says whether the process named by a resource's owner labels still runs, seen from this host
// (host name host, this process's start identity self), with a reason for the report.
//
// On Linux the owner is alive when /proc/<pid>/stat exists, is not a zombie, and gives the labelled
// start identity; a different boot ID or start time means the PID was reused. A PID that exists but
// cannot be read (/proc mounted with hidepid) counts as alive. Elsewhere, and for labels without a
// Linux start identity, any live process with the owner's PID counts as the owner, except this process
// itself, whose start identity is known.
func Of(labels map[string]string, host, self string) (State, string) {
	if labels[LabelOwnerHost] != host {
		return Unknown, fmt.Sprintf("owned on host %q", labels[LabelOwnerHost])
	}
	pid, err := strconv.Atoi(labels[LabelOwnerPID])
	if err != nil || pid <= 0 {
		return Unknown, fmt.Sprintf("owner pid %q is not a process ID", labels[LabelOwnerPID])
	}
	start := labels[LabelOwnerStart]
	if pid == os.Getpid() {
		if start == self {
			return Alive, "owned by this process"
		}
		return Gone, fmt.Sprintf("owner pid %d was reused (by this process)", pid)
	}
	if runtime.GOOS == "linux" && strings.HasPrefix(start, "linux:") {
		id, state, err := procIdentityState(strconv.Itoa(pid))
		switch {
		case errors.Is(err, fs.ErrNotExist) && !pidAlive(pid):
			return Gone, fmt.Sprintf("owner pid %d exited", pid)
		case err != nil:
			return Alive, fmt.Sprintf("owner pid %d exists (status unreadable: %v)", pid, err)
		case id != start:
			return Gone, fmt.Sprintf("owner pid %d exited; the PID now belongs to another process", pid)
		case state == "Z" || state == "X":
			return Gone, fmt.Sprintf("owner pid %d exited (zombie)", pid)
		default:
			return Alive, fmt.Sprintf("owner pid %d is running", pid)
		}
	}
	if pidAlive(pid) {
		return Alive, fmt.Sprintf("a process with owner pid %d is running", pid)
	}
	return Gone, fmt.Sprintf("owner pid %d exited", pid)
}

// pidAlive reports whether a process with this ID exists (on Unix: signal 0 succeeds or is refused).
func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false // Windows: no such process
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
