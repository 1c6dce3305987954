package cgroupmem

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"go.uber.org/goleak"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/dockertest"
)

// leakOptions are the goroutines a test may leave: the Docker client's idle connections.
var leakOptions = []goleak.Option{
	goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"), // blocked in internal/poll: not on top
	goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
	goleak.IgnoreAnyFunction("github.com/testcontainers/testcontainers-go.(*Reaper).connect.func1"),
}

// waitSamples polls until the sampler holds a sample taken after t, or fails the test after 30 s.
func waitSamples(t *testing.T, m *Sampler, after time.Time) []sebs.MemorySample {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := m.Samples()
		if len(s) > 0 && s[len(s)-1].Time.After(after) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no memory sample after %v within 30 s (have %d, Err %v)", after.Format(time.StampMicro), len(s), m.Err())
		}
		time.Sleep(m.Interval()) // poll interval, not synchronisation
	}
}

func checkSamples(t *testing.T, s []sebs.MemorySample) {
	t.Helper()
	for i, x := range s {
		if x.Bytes == 0 {
			t.Errorf("sample %d: 0 bytes", i)
		}
		if i > 0 && !x.Time.After(s[i-1].Time) {
			t.Errorf("sample %d at %v is not after sample %d at %v", i, x.Time, i-1, s[i-1].Time)
		}
	}
}

func TestMemorySampler(t *testing.T) {
	eng := dockertest.Engine(t)
	c := dockertest.Start(t, eng, dockertest.Image(t, eng), nil)
	defer goleak.VerifyNone(t, leakOptions...) // runs before t.Cleanup removes the container

	ctx, cancel := context.WithCancel(context.Background())
	began := time.Now()
	m, err := Start(ctx, eng.Client, c.ID[:12], 0)
	cancel() // the context bounds the start only
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer m.Stop()
	t.Logf("source %s, interval %v", m.Source(), m.Interval())
	if m.ContainerID() != c.ID {
		t.Errorf("ContainerID() = %s, want %s", m.ContainerID(), c.ID)
	}
	if len(m.Samples()) == 0 {
		t.Fatalf("no sample right after the start")
	}

	// Five intervals' worth of samples. Docker stats (the source on a remote engine) answers at the
	// engine's collection tick, about once a second whatever the interval (issue 15): five ticks then.
	wait := 5 * m.Interval()
	if m.Source() == SourceDockerStats {
		wait = 5 * time.Second
	}
	waitSamples(t, m, time.Now().Add(wait))
	ended := time.Now()
	s := m.Samples()
	checkSamples(t, s)
	if len(s) < 5 {
		t.Errorf("%d samples, want at least 5", len(s))
	}
	per := ended.Sub(began) / time.Duration(len(s))
	t.Logf("%d samples in %v: %v per sample", len(s), ended.Sub(began), per)

	ins, err := eng.ContainerInspect(context.Background(), c.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect container: %v", err)
	}
	if path, _ := findCgroupFile(c.ID, ins.Container.State.Pid); path != "" {
		t.Logf("cgroup file %s", path)
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", ins.Container.State.Pid)); err == nil {
			t.Logf("from /proc/%d/cgroup: %v", ins.Container.State.Pid, cgroupFilesFromProc(string(b), c.ID))
		}
		const n = 1000
		start := time.Now()
		for range n {
			if _, _, err := readCgroupFile(path); err != nil {
				t.Fatalf("readCgroupFile: %v", err)
			}
		}
		t.Logf("one cgroup file read takes %v", time.Since(start)/n)
	}

	peak, ok := m.Peak(began, ended)
	if want := slices.MaxFunc(s, func(a, b sebs.MemorySample) int { return int(a.Bytes) - int(b.Bytes) }).Bytes; !ok || peak != want {
		t.Errorf("Peak(whole run) = %d, %v, want %d, true", peak, ok, want)
	}
	if _, ok := m.Peak(began.Add(-time.Hour), began.Add(-time.Minute)); ok {
		t.Errorf("Peak(window before the start) found a sample")
	}
	mid := s[len(s)/2]
	if got, ok := m.Peak(mid.Time, mid.Time); !ok || got != mid.Bytes {
		t.Errorf("Peak(one sample's instant) = %d, %v, want %d, true", got, ok, mid.Bytes)
	}

	all := m.Stop()
	select {
	case <-m.Done():
	default:
		t.Errorf("Done() not closed after Stop")
	}
	if len(all) < len(s) || !slices.Equal(all[:len(s)], s) {
		t.Errorf("Stop() returned %d samples that do not start with the %d seen before", len(all), len(s))
	}
	if again := m.Stop(); !slices.Equal(again, all) {
		t.Errorf("second Stop() returned %d samples, first %d", len(again), len(all))
	}
	if err := m.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
}

func TestMemorySamplerSeesAllocation(t *testing.T) {
	eng := dockertest.Engine(t)
	c := dockertest.Start(t, eng, dockertest.Image(t, eng), nil)
	m, err := Start(context.Background(), eng.Client, c.ID, 5*time.Millisecond)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer m.Stop()

	before := time.Now()
	waitSamples(t, m, before)
	base, _ := m.Peak(time.Time{}, before)
	const mib = 64
	if _, err := c.Get("/alloc?mib=64"); err != nil {
		t.Fatalf("allocate in the container: %v", err)
	}
	after := time.Now()
	waitSamples(t, m, after)
	peak, ok := m.Peak(after, time.Now())
	if !ok {
		t.Fatalf("no sample after the allocation")
	}
	t.Logf("source %s: before %.1f MiB, after allocating %d MiB %.1f MiB", m.Source(), float64(base)/(1<<20), mib, float64(peak)/(1<<20))
	if peak < base+(mib-4)<<20 {
		t.Errorf("peak after allocating %d MiB is %d bytes, want at least %d (base %d + %d MiB)", mib, peak, base+(mib-4)<<20, base, mib-4)
	}
}

func TestMemorySamplerContainerExit(t *testing.T) {
	eng := dockertest.Engine(t)
	c := dockertest.Start(t, eng, dockertest.Image(t, eng), nil)
	m, err := Start(context.Background(), eng.Client, c.ID, 0)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer m.Stop()
	n := len(m.Samples())

	_, _ = c.Get("/exit") // the connection breaks as the process exits
	select {
	case <-m.Done():
	case <-time.After(30 * time.Second):
		t.Fatalf("sampling did not end within 30 s of the container's exit")
	}
	if err := m.Err(); err != nil {
		t.Errorf("Err() after the container exited = %v, want nil", err)
	}
	if got := len(m.Stop()); got < n {
		t.Errorf("Stop() returned %d samples, fewer than the %d taken before the exit", got, n)
	}
	if _, err := Start(context.Background(), eng.Client, c.ID, 0); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Errorf("Start(exited container) error = %v, want one saying it is not running", err)
	}
}

func TestMemorySamplerDockerStats(t *testing.T) {
	eng := dockertest.Engine(t)
	c := dockertest.Start(t, eng, dockertest.Image(t, eng), nil)
	ctx := context.Background()
	var took []time.Duration
	for range 3 {
		start := time.Now()
		b, _, err := readDockerStats(ctx, eng.Client, c.ID)
		took = append(took, time.Since(start))
		if err != nil || b == 0 {
			t.Fatalf("readDockerStats = %d, %v, want bytes > 0", b, err)
		}
	}
	t.Logf("one-shot stats calls took %v", took)

	read := func(ctx context.Context) (uint64, time.Time, error) { return readDockerStats(ctx, eng.Client, c.ID) }
	m, err := startSampling(ctx, c.ID, SourceDockerStats, DefaultStatsInterval, read)
	if err != nil {
		t.Fatalf("startSampling(docker-stats): %v", err)
	}
	defer m.Stop()
	checkSamples(t, waitSamples(t, m, time.Now()))
	stopped := time.Now()
	m.Stop() // cancels the call in flight
	if d := time.Since(stopped); d > 500*time.Millisecond {
		t.Errorf("Stop took %v, want it to cancel the stats call in flight", d)
	}
	if m.Source() != SourceDockerStats {
		t.Errorf("Source() = %q, want %q", m.Source(), SourceDockerStats)
	}
	if err := m.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}

	_, _ = c.Get("/exit")
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, _, err := readDockerStats(ctx, eng.Client, c.ID)
		if err == errExited {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readDockerStats after exit: %v, want errExited", err)
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
	dockertest.Remove(t, eng, c.ID)
	if _, _, err := readDockerStats(ctx, eng.Client, c.ID); err != errExited {
		t.Errorf("readDockerStats(removed container) = %v, want errExited", err)
	}
}

func TestMemorySamplerErrors(t *testing.T) {
	if _, err := Start(context.Background(), nil, "x", -time.Second); err == nil {
		t.Errorf("negative interval accepted")
	}
	eng := dockertest.Engine(t)
	if _, err := Start(context.Background(), eng.Client, "sebstest-no-such-container", 0); err == nil {
		t.Errorf("Start(no such container) succeeded")
	}
}

func TestCgroupFilesFromProc(t *testing.T) {
	id := strings.Repeat("ab", 32)
	v1 := "12:pids:/docker/" + id + "\n4:memory:/docker/" + id + "\n3:cpu,cpuacct:/docker/" + id + "\n1:name=systemd:/docker/" + id + "\n0::/\n"
	got := cgroupFilesFromProc(v1, id)
	want := [][2]string{{"/sys/fs/cgroup/memory/docker/" + id + "/memory.usage_in_bytes", SourceCgroupV1}}
	if !slices.Equal(got, want) {
		t.Errorf("v1: got %v, want %v", got, want)
	}
	v2 := "0::/system.slice/docker-" + id + ".scope\n"
	got = cgroupFilesFromProc(v2, id)
	want = [][2]string{{"/sys/fs/cgroup/system.slice/docker-" + id + ".scope/memory.current", SourceCgroupV2}}
	if !slices.Equal(got, want) {
		t.Errorf("v2: got %v, want %v", got, want)
	}
	if got := cgroupFilesFromProc("0::/user.slice/other\n4:memory:/other\n", id); got != nil {
		t.Errorf("paths without the container ID accepted: %v", got)
	}
}

func TestWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var samples []sebs.MemorySample
	for i := range 10 {
		samples = append(samples, sebs.MemorySample{Time: t0.Add(time.Duration(i) * time.Second), Bytes: uint64(i)})
	}
	cases := []struct {
		from, to time.Duration
		want     []uint64
	}{
		{2 * time.Second, 4 * time.Second, []uint64{2, 3, 4}},
		{2500 * time.Millisecond, 3500 * time.Millisecond, []uint64{3}},
		{-time.Hour, -time.Minute, nil},
		{20 * time.Second, time.Hour, nil},
		{-time.Hour, time.Hour, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{5 * time.Second, 5 * time.Second, []uint64{5}},
	}
	for _, c := range cases {
		var got []uint64
		for _, s := range Window(samples, t0.Add(c.from), t0.Add(c.to)) {
			got = append(got, s.Bytes)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("window [%v, %v] = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
