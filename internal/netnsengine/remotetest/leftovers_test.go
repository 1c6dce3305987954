//go:build linux

package remotetest

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/netnsengine"
	"github.com/gosebs/sebs/internal/owner"
)

// checkRemoteEmpty fails the test when anything but images is left on the remote engine: a container
// (running or not), a network beyond the default three, or a volume. Function images are kept for reuse
// by design (sebs-clean -images removes them); the engine's data root goes with the engine.
func checkRemoteEmpty(t *testing.T, ctx context.Context, cli *client.Client) {
	t.Helper()
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatalf("list the remote engine's containers: %v", err)
	}
	for _, c := range ctrs.Items {
		t.Errorf("container left on the remote engine: %s %v (image %s, %s)", c.ID[:12], c.Names, c.Image, c.State)
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		t.Fatalf("list the remote engine's networks: %v", err)
	}
	for _, n := range nets.Items {
		if !slices.Contains([]string{"bridge", "host", "none"}, n.Name) {
			t.Errorf("network left on the remote engine: %s (%s)", n.Name, n.ID)
		}
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{})
	if err != nil {
		t.Fatalf("list the remote engine's volumes: %v", err)
	}
	for _, v := range vols.Items {
		t.Errorf("volume left on the remote engine: %s", v.Name)
	}
}

// checkBuiltRemotely fails the test unless the remote engine holds a function image of ours (the
// sleep fixture's sebs-go-sleep:<hash>, built by the runs): builds went to the remote engine.
func checkBuiltRemotely(t *testing.T, ctx context.Context, cli *client.Client) {
	t.Helper()
	imgs, err := cli.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("reference", "sebs-go-sleep")})
	if err != nil {
		t.Fatalf("list the remote engine's images: %v", err)
	}
	if len(imgs.Items) == 0 {
		t.Errorf("the remote engine has no sebs-go-sleep image: the function images were not built there")
	}
}

// localEngine is the machine's own engine and when the runs began, or nil cli when there is none.
type localEngine struct {
	cli   *client.Client
	since time.Time
}

// openLocal connects to the machine's own engine as the environment names it (the standard socket by
// default); without one the local checks are logged as skipped.
func openLocal(t *testing.T) localEngine {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err == nil {
		_, err = cli.Ping(t.Context(), client.PingOptions{})
	}
	if err != nil {
		t.Logf("no local engine (%v): the local engine is not checked", err)
		return localEngine{}
	}
	t.Cleanup(func() { cli.Close() })
	return localEngine{cli: cli, since: time.Now()}
}

// checkUntouched fails the test when the machine's own engine has a container or network of the runs'
// processes now, or logged any event about a container, image or network labelled with one of their
// PIDs since the runs began: their work must all have gone to the remote engine.
func (l localEngine) checkUntouched(t *testing.T, pids []int) {
	t.Helper()
	if l.cli == nil {
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for _, pid := range pids {
		f := make(client.Filters).Add("label", owner.LabelOwnerPID+"="+strconv.Itoa(pid))
		ctrs, err := l.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil || len(ctrs.Items) != 0 {
			t.Errorf("local engine: containers of run pid %d: %d (error %v)", pid, len(ctrs.Items), err)
		}
		nets, err := l.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		if err != nil || len(nets.Items) != 0 {
			t.Errorf("local engine: networks of run pid %d: %d (error %v)", pid, len(nets.Items), err)
		}
		evs, err := netnsengine.Events(ctx, l.cli, l.since, f)
		if err != nil {
			t.Errorf("local engine: %v", err)
		}
		if len(evs) > 0 {
			t.Errorf("local engine logged events of run pid %d: %v", pid, evs)
		}
	}
}
