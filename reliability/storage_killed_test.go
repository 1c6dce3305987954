package reliability

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/internal/owner"
)

// TestKilledStorageRunIsSwept: a test run that owns a storage server and a function on its network, and
// is calling the function, is SIGKILLed (no t.Cleanup runs). The server container, the function
// container and the storage network are still there afterwards; the next run's sweep (sweep.Dead,
// confined to the victim's scope) removes all of them, and any volume they had.
func TestKilledStorageRunIsSwept(t *testing.T) {
	cli := testDocker(t)
	bin := buildVictim(t)
	requireMinIOImage(t, cli)
	_, scope := caseLabel(t)
	v := startVictim(t, bin, "reliability.case="+scope, true, "-test.run=^TestStorageVictim$")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	scoped := owner.LabelTestScope + "=" + scope

	// While the victim lives, the sweep leaves its server, function and network alone.
	sweepScope(ctx, t, scope)
	requireExist(ctx, t, cli, "the live victim's", v.containers...)
	nets := networksWithLabel(ctx, t, cli, scoped)
	if len(nets) != 1 {
		t.Fatalf("the victim has %d networks with its scope (%v), want its storage network", len(nets), nets)
	}
	volumes := volumesOf(ctx, t, cli, v.containers)

	signal(t, v, syscall.SIGKILL)
	v.wait(t, time.Minute)
	requireExist(ctx, t, cli, "the killed victim's", v.containers...)
	if left := networksWithLabel(ctx, t, cli, scoped); !slices.Equal(left, nets) {
		t.Fatalf("after the kill, the victim's networks are %v, want %v still there", left, nets)
	}

	rep := sweepScope(ctx, t, scope)
	t.Logf("sweep:\n%s", rep)
	requireGone(t, cli, v.containers...)
	if left := networksWithLabel(ctx, t, cli, scoped); len(left) > 0 {
		t.Errorf("after the sweep, the storage network remains: %v", left)
	}
	for _, name := range volumes {
		if _, err := cli.VolumeInspect(ctx, name, client.VolumeInspectOptions{}); err == nil {
			t.Errorf("after the sweep, volume %s of the victim remains", name)
		}
	}
	if left, err := deadLeftovers(ctx, cli, scope); err != nil {
		t.Error(err)
	} else if len(left) > 0 {
		t.Errorf("after the sweep, resources of dead owners remain: %v", left)
	}
}

// networksWithLabel lists the names of the networks carrying the label ("key=value").
func networksWithLabel(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, label string) []string {
	t.Helper()
	res, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("label", label)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range res.Items {
		names = append(names, n.Name)
	}
	slices.Sort(names)
	return names
}

// volumesOf lists the names of the volumes mounted in the containers.
func volumesOf(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, ids []string) []string {
	t.Helper()
	var names []string
	for _, id := range ids {
		ins, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ins.Container.Mounts {
			if m.Name != "" {
				names = append(names, m.Name)
			}
		}
	}
	return names
}

// minioImageTimeout bounds the MinIO server image's first build on a machine (about 12½ minutes on 2
// cores, from the Go module proxy); afterwards the image is there at once.
const minioImageTimeout = 25 * time.Minute

// requireMinIOImage makes sure the engine has the MinIO server image before a victim that needs it starts:
// on a fresh machine its first build takes far longer than a victim may take to start its containers, and
// the build belongs to no victim.
func requireMinIOImage(t *testing.T, cli *testcontainers.DockerClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), minioImageTimeout)
	defer cancel()
	began := time.Now()
	tag, err := minioimage.Image(ctx, cli.Client, minioimage.ImageOptions{Labels: owner.Labels(), Progress: t.Output()})
	if err != nil {
		t.Fatalf("the MinIO server image the victim needs: %v", err)
	}
	t.Logf("MinIO image %s ready in %s", tag, time.Since(began).Round(time.Millisecond))
}
