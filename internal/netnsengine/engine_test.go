//go:build linux

package netnsengine

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestEngine starts an engine, builds and runs a function on it, calls the function from this side of
// the veth pair, reads its memory through the remote Docker stats API, removes it, and checks that
// nothing is left on the engine, that the machine's own engine did none of the work, and that Close
// leaves no namespace, veth, process, cgroup or directory.
func TestEngine(t *testing.T) {
	requireSupported(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	local := localEngine(t)

	eng := startEngine(t, ctx)
	tm := eng.Timings()
	t.Logf("engine %s at %s: network %s, TLS %s, daemon start %s", eng.Namespace(), eng.DockerHost(), tm.Network, tm.TLS, tm.Daemon)
	checkRoute(t, eng)
	checkEnv(t, eng)
	checkIsolated(t, eng)

	cli, err := eng.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatalf("info over TLS: %v", err)
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(info.Info.DockerRootDir)), eng.Namespace()) {
		t.Errorf("engine's data root %s, want one in its own directory", info.Info.DockerRootDir)
	}

	built := buildHello(t, ctx, cli)
	t.Logf("image build on the engine: %s", built)
	ctr, url := runHello(t, ctx, cli, eng)
	if body, want := call(t, ctx, url), "hello from "+ctr.Config.Hostname; body != want {
		t.Errorf("GET %s = %q, want %q", url, body, want)
	}
	checkStats(t, ctx, cli, ctr.ID)
	checkPIDNotLocal(t, ctr)

	if _, err := cli.ContainerRemove(ctx, ctr.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ImageRemove(ctx, helloImage, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
		t.Fatal(err)
	}
	left, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil || len(left.Items) != 0 {
		t.Errorf("containers left on the engine: %v (error %v)", left.Items, err)
	}
	imgs, err := cli.ImageList(ctx, client.ImageListOptions{All: true})
	if err != nil || len(imgs.Items) != 0 {
		t.Errorf("images left on the engine: %v (error %v)", imgs.Items, err)
	}
	local.check(t, info.Info.ID)

	pid := eng.DaemonPID()
	closing := time.Now()
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("close (daemon stopped, namespace, veth, cgroups and directory removed): %s", time.Since(closing))
	if err := eng.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	checkGone(t, eng.name, pid)
}

// checkRoute checks that this side reaches the engine's address through the engine's veth pair.
func checkRoute(t *testing.T, eng *Engine) {
	t.Helper()
	out, err := exec.Command("ip", "route", "get", eng.IP().String()).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "dev "+eng.name.hostVeth()+" ") {
		t.Errorf("route to %s: %s (error %v), want through dev %s", eng.IP(), out, err, eng.name.hostVeth())
	}
}

// checkIsolated checks that the running engine changed nothing of this side's firewall or mounts: its
// iptables rules and its mounts stay in its namespaces.
func checkIsolated(t *testing.T, eng *Engine) {
	t.Helper()
	if out, err := exec.Command("iptables-save").CombinedOutput(); err != nil {
		t.Logf("iptables-save: %v: the host firewall is not checked", err)
	} else {
		for _, s := range []string{"10.212.", "10.213.", bridgeName, vethPrefix} {
			if strings.Contains(string(out), s) {
				t.Errorf("the host's iptables rules mention %q: the engine wrote rules outside its namespace", s)
			}
		}
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil || strings.Contains(string(mounts), eng.dir) {
		t.Errorf("this side's mount table holds mounts under %s (read error %v): the engine's mounts leaked", eng.dir, err)
	}
}

// checkEnv checks that the docker CLI, given only Env, reaches the engine (when the CLI is installed).
func checkEnv(t *testing.T, eng *Engine) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Log("no docker CLI: Env checked by the moby client only")
		return
	}
	cmd := exec.Command("docker", "info", "--format", "{{.DockerRootDir}}")
	cmd.Env = append(os.Environ(), eng.Env()...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), eng.Namespace()) {
		t.Errorf("docker info with Env %v: %s (error %v), want the engine's data root", eng.Env(), out, err)
	}
}

// checkStats reads one stats sample of the container from the remote API and checks it has memory.
func checkStats(t *testing.T, ctx context.Context, cli *client.Client, id string) {
	t.Helper()
	res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{})
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	defer res.Body.Close()
	var st container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatalf("decode stats: %v", err)
	}
	if st.ID != id || st.MemoryStats.Usage == 0 {
		t.Errorf("stats for %s: id %s, memory usage %d B; want the container's, above 0", id, st.ID, st.MemoryStats.Usage)
	}
	t.Logf("docker stats (one-shot, remote API): memory usage %d B", st.MemoryStats.Usage)
}

// checkPIDNotLocal checks that the container's PID, as the engine reports it, does not name the
// container's process on this side (the engine has a PID namespace of its own), so a harness cannot
// find its cgroup through /proc as it could on a local engine: as on a real remote engine, memory comes
// from Docker stats.
func checkPIDNotLocal(t *testing.T, ctr container.InspectResponse) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", ctr.State.Pid))
	if err == nil && strings.Contains(string(data), ctr.ID) {
		t.Errorf("/proc/%d/cgroup on this side names container %s: the engine's PIDs are this machine's", ctr.State.Pid, ctr.ID)
	}
}

// checkGone checks that nothing of engine n is left on the machine.
func checkGone(t *testing.T, n resourceName, daemonPID int) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(netnsDir, n.String())); !os.IsNotExist(err) {
		t.Errorf("namespace %s still exists (stat error %v)", n, err)
	}
	if _, err := net.InterfaceByName(n.hostVeth()); err == nil {
		t.Errorf("veth %s still exists", n.hostVeth())
	}
	if dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), n.String()+"*")); len(dirs) > 0 {
		t.Errorf("directories left: %v", dirs)
	}
	if dirs := cgroupDirs(n.String()); len(dirs) > 0 {
		t.Errorf("cgroups left: %v", dirs)
	}
	if daemonPID != 0 && running(daemonPID) {
		t.Errorf("dockerd (pid %d) still runs", daemonPID)
	}
}

// localState is what the machine's own engine looked like before the test.
type localState struct {
	cli   *client.Client
	id    string
	since time.Time
}

// localEngine connects to the machine's own engine (as the environment says, by default the standard
// socket), or returns a state that checks nothing when there is none.
func localEngine(t *testing.T) localState {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Logf("no local engine client (%v): the local engine is not checked", err)
		return localState{}
	}
	t.Cleanup(func() { cli.Close() })
	info, err := cli.Info(t.Context(), client.InfoOptions{})
	if err != nil {
		t.Logf("no local engine (%v): the local engine is not checked", err)
		return localState{}
	}
	return localState{cli: cli, id: info.Info.ID, since: time.Now()}
}

// check fails the test if the test's work reached the machine's own engine: the remote engine must be
// another daemon, and the local one must have no image or container of the test's image now, nor any
// event about one since the test began (a build or container that came and went). Other tests may use
// the local engine at the same time, so its whole container list is not compared.
func (l localState) check(t *testing.T, remoteID string) {
	t.Helper()
	if l.cli == nil {
		return
	}
	if remoteID == l.id {
		t.Errorf("remote engine has the local engine's ID %s: it is the same daemon", l.id)
	}
	imgs, err := l.cli.ImageList(t.Context(), client.ImageListOptions{Filters: make(client.Filters).Add("reference", helloImage)})
	if err != nil || len(imgs.Items) != 0 {
		t.Errorf("local engine has the test image: %v (error %v)", imgs.Items, err)
	}
	ctrs, err := l.cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("ancestor", helloImage)})
	if err != nil || len(ctrs.Items) != 0 {
		t.Errorf("local engine has containers of the test image: %v (error %v)", ctrs.Items, err)
	}
	for _, f := range []client.Filters{make(client.Filters).Add("image", helloImage), make(client.Filters).Add("label", helloLabel+"=netnsengine")} {
		if evs := l.events(t, f); len(evs) > 0 {
			t.Errorf("local engine logged events about the test's image during the test: %v", evs)
		}
	}
}

// events returns the local engine's events since the test began that match f.
func (l localState) events(t *testing.T, f client.Filters) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	evs, err := Events(ctx, l.cli, l.since, f)
	if err != nil {
		t.Errorf("local engine: %v", err)
	}
	return evs
}

// TestStartFailure checks that a daemon that cannot start gives an error with its log, and that the
// failed start leaves nothing of this process's behind.
func TestStartFailure(t *testing.T) {
	requireSupported(t)
	eng, err := Start(t.Context(), Options{StorageDriver: "no-such-driver"})
	if err == nil {
		eng.Close()
		t.Fatal("Start with an unknown storage driver succeeded")
	}
	if !strings.Contains(err.Error(), "dockerd exited") || !strings.Contains(err.Error(), "storage driver no-such-driver") {
		t.Errorf("Start error = %v, want that dockerd exited, naming the driver", err)
	}
	// The daemon's log, less its gRPC chatter, says what failed.
	if _, tail, _ := strings.Cut(err.Error(), "its log ends:"); !strings.Contains(tail, "failed to start daemon") ||
		strings.Contains(tail, "module=grpc") {
		t.Errorf("Start error's log tail = %q, want dockerd's own failure without gRPC lines", tail)
	}
	if left := ownedBy(os.Getpid()); len(left) > 0 {
		t.Errorf("a failed Start left %v", left)
	}
}

// ownedBy lists the namespaces, directories and cgroups of engines of process pid.
func ownedBy(pid int) []string {
	names, _ := namespaces()
	if ents, err := os.ReadDir(os.TempDir()); err == nil {
		for _, e := range ents {
			names = append(names, e.Name())
		}
	}
	cgs, _ := filepath.Glob(filepath.Join(cgroupRoot, "*", Prefix+"*"))
	for _, c := range cgs {
		names = append(names, c)
	}
	var left []string
	for _, s := range names {
		if n, ok := parseName(filepath.Base(s)); ok && n.owner.pid == pid {
			left = append(left, s)
		}
	}
	return left
}
