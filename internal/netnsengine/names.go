//go:build linux

package netnsengine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Prefix starts the name of every namespace, directory and cgroup this package creates:
// Prefix + "<index>-<owner pid>-<owner start ticks>".
const Prefix = "sebs-netns-"

// vethPrefix starts the host end of each veth pair: vethPrefix + "<index>h". Interface names hold at most
// 15 characters, too few for the owner; a host end is only ever left behind with no namespace of its
// index, which is how [SweepStale] recognises it.
const vethPrefix = "sebsne"

// owner identifies the process that created an engine.
type owner struct {
	pid   int
	start string // start time in clock ticks since boot, field 22 of /proc/<pid>/stat
}

// self is this process as an owner.
func self() (owner, error) {
	start, err := startTicks(os.Getpid())
	if err != nil {
		return owner{}, fmt.Errorf("netnsengine: this process's start time: %w", err)
	}
	return owner{pid: os.Getpid(), start: start}, nil
}

// alive reports whether the owner still runs: its PID exists, is not a zombie and started when recorded.
func (o owner) alive() bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(o.pid) + "/stat")
	if err != nil {
		return false
	}
	state, ticks, err := parseStat(stat)
	return err == nil && ticks == o.start && state != "Z" && state != "X"
}

// startTicks reads the start time of process pid.
func startTicks(pid int) (string, error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	_, ticks, err := parseStat(stat)
	return ticks, err
}

// parseStat returns the state (field 3) and start time (field 22) of a /proc/<pid>/stat line, counting
// fields after the last ')' since the command name may hold spaces and parentheses.
func parseStat(stat []byte) (state, ticks string, err error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", "", errors.New("no ')' after the command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 {
		return "", "", fmt.Errorf("%d fields after the command name, want at least 20", len(f))
	}
	return f[0], f[19], nil
}

// resourceName is the base name of one engine's namespace, directory and cgroup.
type resourceName struct {
	index int // the address index x of 10.212.x.0/30
	owner owner
}

// String is the namespace name, which also starts the directory name and is the cgroup parent's name.
func (n resourceName) String() string {
	return fmt.Sprintf("%s%d-%d-%s", Prefix, n.index, n.owner.pid, n.owner.start)
}

// hostVeth is the name of the host end of the engine's veth pair.
func (n resourceName) hostVeth() string { return vethName(n.index) }

// vethName is the host end's name for address index i.
func vethName(i int) string { return fmt.Sprintf("%s%dh", vethPrefix, i) }

// parseName reads a resource name back from a namespace, directory or cgroup name; a directory's name
// carries a random suffix after one more '-'. ok is false for names that are not ours.
func parseName(s string) (n resourceName, ok bool) {
	rest, found := strings.CutPrefix(s, Prefix)
	if !found {
		return n, false
	}
	f := strings.Split(rest, "-")
	if len(f) < 3 || len(f) > 4 {
		return n, false
	}
	var err1, err2, err3 error
	n.index, err1 = strconv.Atoi(f[0])
	n.owner.pid, err2 = strconv.Atoi(f[1])
	_, err3 = strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || n.index < 0 || n.index > maxIndex || n.owner.pid <= 0 {
		return resourceName{}, false
	}
	n.owner.start = f[2]
	return n, true
}

// parseVeth returns the address index of a host veth end of ours.
func parseVeth(s string) (int, bool) {
	rest, ok := strings.CutPrefix(s, vethPrefix)
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, "h")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i > maxIndex {
		return 0, false
	}
	return i, true
}
