//go:build linux

package netnsengine

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where the cgroup hierarchies are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// namespacePIDs lists the processes whose network namespace is the named one: the daemon, its
// containerd and the containerd shims. Containers have namespaces of their own; see [cgroupPIDs].
func namespacePIDs(ns string) ([]int, error) {
	var want syscall.Stat_t
	if err := syscall.Stat(filepath.Join(netnsDir, ns), &want); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("netnsengine: namespace %s: %w", ns, err)
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("netnsengine: list processes: %w", err)
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat("/proc/"+e.Name()+"/ns/net", &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// cgroupDirs lists the engine's cgroup parent in every hierarchy (cgroup v1: one per controller; v2: one).
func cgroupDirs(name string) []string {
	dirs, _ := filepath.Glob(filepath.Join(cgroupRoot, "*", name))
	if fi, err := os.Stat(filepath.Join(cgroupRoot, name)); err == nil && fi.IsDir() {
		dirs = append(dirs, filepath.Join(cgroupRoot, name))
	}
	return dirs
}

// cgroupPIDs lists the processes in the engine's cgroup parent and below it: its containers' processes.
func cgroupPIDs(name string) []int {
	var pids []int
	for _, d := range cgroupDirs(name) {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.Name() != "cgroup.procs" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			for _, f := range strings.Fields(string(data)) {
				if pid, err := strconv.Atoi(f); err == nil && !slices.Contains(pids, pid) {
					pids = append(pids, pid)
				}
			}
			return nil
		})
	}
	return pids
}

// killAll sends SIGKILL to pids and waits until each has exited (or is a zombie, left for its parent).
func killAll(pids []int, timeout time.Duration) error {
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	return waitGone(pids, timeout)
}

// waitGone polls until none of pids runs; a zombie has released everything but its process entry.
func waitGone(pids []int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var left []int
		for _, pid := range pids {
			if running(pid) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("netnsengine: processes %v still run %s after SIGKILL", left, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running reports whether pid exists and is not a zombie.
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	state, _, err := parseStat(stat)
	return err == nil && state != "Z" && state != "X"
}

// removeCgroups removes the engine's cgroup parent directories, children first. A cgroup can be removed
// once its processes are gone, which the kernel notes shortly after they exit, so it retries until timeout.
func removeCgroups(name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var last error
		for _, d := range cgroupDirs(name) {
			var dirs []string
			filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
				if err == nil && e.IsDir() {
					dirs = append(dirs, p)
				}
				return nil
			})
			for _, sub := range slices.Backward(dirs) {
				if err := syscall.Rmdir(sub); err != nil && !errors.Is(err, fs.ErrNotExist) {
					last = fmt.Errorf("netnsengine: remove cgroup %s: %w", sub, err)
				}
			}
		}
		if last == nil || time.Now().After(deadline) {
			return last
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// unmountUnder detaches every mount of this process's mount namespace at or below dir, deepest first.
// The daemon mounts in a mount namespace of its own, so normally there is none.
func unmountUnder(dir string) error {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("netnsengine: read mounts: %w", err)
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		p := unescapeMount(fields[4])
		if p == dir || strings.HasPrefix(p, dir+"/") {
			points = append(points, p)
		}
	}
	slices.SortFunc(points, func(a, b string) int { return len(b) - len(a) })
	var errs []error
	for _, p := range points {
		if err := syscall.Unmount(p, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("netnsengine: unmount %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// unescapeMount decodes the octal escapes (\040 for a space, …) of a mountinfo path.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
