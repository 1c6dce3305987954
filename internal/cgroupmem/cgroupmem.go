// Package cgroupmem samples the memory of a running container: from its cgroup file (cgroup v2
// memory.current or v1 memory.usage_in_bytes) when this process can read it, and from the Docker stats API
// otherwise, at a fixed interval, in a goroutine, keeping every sample.
package cgroupmem

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// Sources a [Sampler] reads from, as [Sampler.Source] reports them.
const (
	// SourceCgroupV1 is the container's cgroup v1 memory.usage_in_bytes, read directly.
	SourceCgroupV1 = "cgroup-v1"
	// SourceCgroupV2 is the container's cgroup v2 memory.current, read directly.
	SourceCgroupV2 = "cgroup-v2"
	// SourceDockerStats is the Docker stats API, one one-shot request per sample.
	SourceDockerStats = "docker-stats"
)

// Default sampling intervals, used when [Start] is given an interval of zero.
const (
	// DefaultCgroupInterval is the interval for the cgroup file sources: a read costs microseconds.
	DefaultCgroupInterval = 10 * time.Millisecond
	// DefaultStatsInterval is the interval for the Docker stats API. The engine answers a request
	// at its own collection tick (about once a second on Docker Engine 20.10), so samples may come
	// less often than this.
	DefaultStatsInterval = 50 * time.Millisecond
)

// maxSampleFailures is how many samples in a row may fail before sampling gives up.
const maxSampleFailures = 10

// errExited says the container is no longer running: sampling ends, and that is no error.
var errExited = errors.New("container is not running")

// A Sampler records the memory use of one running container at a fixed interval, in a goroutine,
// from the container's cgroup file when this process can read it (no process is forked per sample) and
// from the Docker stats API otherwise. The bytes are the cgroup's whole usage, page cache included, as
// upstream SeBS's local platform measures (memory.current; usage_in_bytes on cgroup v1).
//
// Sampling ends when [Sampler.Stop] is called, when the container stops (quietly: that is no
// error), or after repeated failures (see [Sampler.Err]). No sample is ever dropped. The methods
// are safe for concurrent use.
type Sampler struct {
	id       string
	source   string
	interval time.Duration
	read     sampleFunc

	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once

	mu       sync.Mutex
	samples  []sebs.MemorySample
	firstErr error
	failures int
}

// Start starts sampling the memory of the running container containerID (a full or unambiguous short ID,
// or a name) through cli, which stays the caller's, every interval; zero means [DefaultCgroupInterval] or
// [DefaultStatsInterval], by source. The first sample is taken before it returns. ctx bounds the start
// only: sampling runs until [Sampler.Stop] or until the container stops. Call Stop when done.
func Start(ctx context.Context, cli *client.Client, containerID string, interval time.Duration) (*Sampler, error) {
	if interval < 0 {
		return nil, fmt.Errorf("sample memory: interval %v is negative; use zero for the default", interval)
	}
	ins, err := cli.ContainerInspect(ctx, containerID, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("sample memory: inspect container %s: %w", containerID, err)
	}
	c := ins.Container
	if c.State == nil || !c.State.Running {
		return nil, fmt.Errorf("sample memory: container %s is not running; start it first", containerID)
	}
	if engine.LocalHost(cli.DaemonHost()) && runtime.GOOS == "linux" {
		if path, source := findCgroupFile(c.ID, c.State.Pid); path != "" {
			read := func(context.Context) (uint64, time.Time, error) { return readCgroupFile(path) }
			return startSampling(ctx, c.ID, source, cmp.Or(interval, DefaultCgroupInterval), read)
		}
	}
	read := func(ctx context.Context) (uint64, time.Time, error) { return readDockerStats(ctx, cli, c.ID) }
	return startSampling(ctx, c.ID, SourceDockerStats, cmp.Or(interval, DefaultStatsInterval), read)
}

// sampleFunc takes one sample: the bytes and when they were read.
type sampleFunc func(ctx context.Context) (bytes uint64, at time.Time, err error)

// startSampling takes the first sample of container id with read and starts the sampling goroutine.
func startSampling(ctx context.Context, id, source string, interval time.Duration, read sampleFunc) (*Sampler, error) {
	b, at, err := read(ctx)
	if err != nil {
		return nil, fmt.Errorf("sample memory of container %s from %s: %w", engine.ShortID(id), source, err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m := &Sampler{
		id:       id,
		source:   source,
		interval: interval,
		read:     read,
		cancel:   cancel,
		done:     make(chan struct{}),
		samples:  []sebs.MemorySample{{Time: at, Bytes: b}},
	}
	go m.run(runCtx)
	return m, nil
}

// run samples every interval until ctx ends, the container stops, or too many samples fail in a row.
func (m *Sampler) run(ctx context.Context) {
	defer close(m.done)
	tick := time.NewTicker(m.interval)
	defer tick.Stop()
	failedInARow := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		b, at, err := m.read(ctx)
		switch {
		case err == nil:
			failedInARow = 0
			m.mu.Lock()
			if n := len(m.samples); n == 0 || at.After(m.samples[n-1].Time) {
				m.samples = append(m.samples, sebs.MemorySample{Time: at, Bytes: b})
			}
			m.mu.Unlock()
			if ctx.Err() != nil {
				return // stopped just after a good sample, which is kept
			}
		case ctx.Err() != nil:
			return // stopped mid-sample: the read failed, nothing to keep
		case errors.Is(err, errExited):
			return
		case err != nil:
			failedInARow++
			m.mu.Lock()
			m.failures++
			if m.firstErr == nil {
				m.firstErr = err
			}
			m.mu.Unlock()
			if failedInARow >= maxSampleFailures {
				return
			}
		}
	}
}

// Source says where the samples come from: [SourceCgroupV1], [SourceCgroupV2] or
// [SourceDockerStats].
func (m *Sampler) Source() string { return m.source }

// Interval is the time between two samples the sampler aims at.
func (m *Sampler) Interval() time.Duration { return m.interval }

// ContainerID is the full ID of the container sampled.
func (m *Sampler) ContainerID() string { return m.id }

// Samples returns a copy of the samples taken so far, oldest first, with strictly increasing times.
func (m *Sampler) Samples() []sebs.MemorySample {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sebs.MemorySample(nil), m.samples...)
}

// Peak returns the largest sample taken between from and to, both included; ok is false when no sample
// was taken in that window (a window shorter than the interval may hold none: widen it by one interval
// on each side to catch the neighbours).
func (m *Sampler) Peak(from, to time.Time) (bytes uint64, ok bool) {
	for _, s := range m.Window(from, to) {
		bytes, ok = max(bytes, s.Bytes), true
	}
	return bytes, ok
}

// Window returns a copy of the samples taken from from to to, both included, oldest first. Samples are
// kept in time order, so it costs a binary search and the copy, however long sampling has run.
func (m *Sampler) Window(from, to time.Time) []sebs.MemorySample {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sebs.MemorySample(nil), Window(m.samples, from, to)...)
}

// Window returns the sub-slice of time-ordered samples taken from from to to, both included.
func Window(samples []sebs.MemorySample, from, to time.Time) []sebs.MemorySample {
	lo := sort.Search(len(samples), func(i int) bool { return !samples[i].Time.Before(from) })
	hi := sort.Search(len(samples), func(i int) bool { return samples[i].Time.After(to) })
	if lo >= hi {
		return nil
	}
	return samples[lo:hi]
}

// Done is closed when sampling has ended: after Stop, when the container stopped, or after repeated
// failures.
func (m *Sampler) Done() <-chan struct{} { return m.done }

// Stop ends sampling, waits until the sampling goroutine has returned, and returns every sample taken.
// It may be called more than once, and after the container stopped.
func (m *Sampler) Stop() []sebs.MemorySample {
	m.stopOnce.Do(func() {
		m.cancel()
		<-m.done
	})
	return m.Samples()
}

// Err reports failed samples, nil when none failed. Sampling goes on after a failure, but ends after
// 10 failures in a row. A container that stops is no failure.
func (m *Sampler) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.firstErr == nil {
		return nil
	}
	return fmt.Errorf("sample memory of container %s from %s: %d samples failed, the first with: %w",
		engine.ShortID(m.id), m.source, m.failures, m.firstErr)
}

// findCgroupFile returns the memory usage file of container id's cgroup and its source name, or "", ""
// when this process cannot read one (a remote engine, a daemon in another VM or container, no /sys).
// It asks /proc/<pid>/cgroup of the container's init process first, accepted only if the path names the
// container (pid may belong to another PID namespace), then tries the usual cgroupfs and systemd paths.
func findCgroupFile(id string, pid int) (path, source string) {
	var candidates [][2]string
	if pid > 0 {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup"); err == nil {
			candidates = append(candidates, cgroupFilesFromProc(string(b), id)...)
		}
	}
	for _, dir := range []string{"docker/" + id, "system.slice/docker-" + id + ".scope"} {
		candidates = append(candidates,
			[2]string{"/sys/fs/cgroup/" + dir + "/memory.current", SourceCgroupV2},
			[2]string{"/sys/fs/cgroup/memory/" + dir + "/memory.usage_in_bytes", SourceCgroupV1})
	}
	for _, c := range candidates {
		if _, _, err := readCgroupFile(c[0]); err == nil {
			return c[0], c[1]
		}
	}
	return "", ""
}

// cgroupFilesFromProc turns the lines of a /proc/<pid>/cgroup file ("0::/path" on v2,
// "4:memory:/path" on v1) into memory usage files, keeping only paths that contain id.
func cgroupFilesFromProc(procCgroup, id string) [][2]string {
	var out [][2]string
	for line := range strings.Lines(procCgroup) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 || !strings.Contains(parts[2], id) {
			continue
		}
		rel := filepath.Clean("/" + parts[2])
		switch {
		case parts[0] == "0" && parts[1] == "":
			out = append(out, [2]string{"/sys/fs/cgroup" + rel + "/memory.current", SourceCgroupV2})
		case strings.Contains(","+parts[1]+",", ",memory,"):
			out = append(out, [2]string{"/sys/fs/cgroup/memory" + rel + "/memory.usage_in_bytes", SourceCgroupV1})
		}
	}
	return out
}

// readCgroupFile reads a cgroup memory usage file: one decimal number of bytes. A missing file means the
// cgroup is gone with its container ([errExited]), and so does ENODEV: a file opened while the cgroup was
// being removed. The time is the middle of the read.
func readCgroupFile(path string) (uint64, time.Time, error) {
	before := time.Now()
	b, err := os.ReadFile(path)
	at := before.Add(time.Since(before) / 2)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENODEV) {
		return 0, at, errExited
	}
	if err != nil {
		return 0, at, fmt.Errorf("read %s: %w", path, err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, at, fmt.Errorf("parse %s: %w", path, err)
	}
	return n, at, nil
}

// readDockerStats takes one sample through the stats API (stream=false, one-shot=true). A container
// that is gone, or no longer running (the engine then answers with an empty sample), is [errExited].
// The time is when the answer arrived: the engine answers right after collecting.
func readDockerStats(ctx context.Context, cli *client.Client, id string) (uint64, time.Time, error) {
	res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{})
	at := time.Now()
	if cerrdefs.IsNotFound(err) {
		return 0, at, errExited
	}
	if err != nil {
		return 0, at, fmt.Errorf("get container stats: %w", err)
	}
	defer res.Body.Close()
	var st container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&st); errors.Is(err, io.EOF) {
		return 0, at, errExited // Podman answers a stopped container's stats with an empty body (issue 15)
	} else if err != nil {
		return 0, at, fmt.Errorf("decode container stats: %w", err)
	}
	if st.Read.IsZero() {
		return 0, at, errExited
	}
	if st.MemoryStats.Usage == 0 && st.MemoryStats.PrivateWorkingSet != 0 { // Windows containers
		return st.MemoryStats.PrivateWorkingSet, at, nil
	}
	return st.MemoryStats.Usage, at, nil
}
