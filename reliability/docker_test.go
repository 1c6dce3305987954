package reliability

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/sebstest"
)

// dockerClient connects to the engine testcontainers-go selects, the one sebstest uses.
func dockerClient(ctx context.Context) (*testcontainers.DockerClient, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to docker engine: %w", err)
	}
	return cli, nil
}

// testDocker returns a Docker client for a test, closed when it ends; the test is skipped without an
// engine, or fails under CI=true (sebstest.RequireDocker).
func testDocker(t *testing.T) *testcontainers.DockerClient {
	t.Helper()
	sebstest.RequireDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli, err := dockerClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}

// containersWithLabels lists the IDs of all containers (running or not) that carry every
// "key=value" label given.
func containersWithLabels(ctx context.Context, cli *testcontainers.DockerClient, labels ...string) ([]string, error) {
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", labels...)})
	if err != nil {
		return nil, fmt.Errorf("list containers with labels %v: %w", labels, err)
	}
	ids := make([]string, 0, len(res.Items))
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// containerExists reports whether a container with this ID exists, running or not.
func containerExists(ctx context.Context, cli *testcontainers.DockerClient, id string) (bool, error) {
	_, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect container %.12s: %w", id, err)
	}
}

// requireGone fails the test if any of the containers still exists.
func requireGone(t *testing.T, cli *testcontainers.DockerClient, ids ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range ids {
		ok, err := containerExists(ctx, cli, id)
		if err != nil {
			t.Error(err)
		} else if ok {
			t.Errorf("container %.12s still exists", id)
		}
	}
}

// caseLabel returns a label key=value unique to this test, to find the containers it started (also
// those a failed start removed) without seeing anyone else's.
func caseLabel(t *testing.T) (key, value string) {
	return "reliability.case", fmt.Sprintf("%d-%d-%s", os.Getpid(), time.Now().UnixNano(),
		strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
}

// expectNoCaseContainers registers a cleanup, run after the test's own cleanups (it is registered
// first), that fails the test when a container with the case label still exists.
func expectNoCaseContainers(t *testing.T, cli *testcontainers.DockerClient, key, value string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		left, err := containersWithLabels(ctx, cli, key+"="+value)
		if err != nil {
			t.Error(err)
			return
		}
		if len(left) > 0 {
			t.Errorf("%d container(s) of %s left after the test: %v", len(left), t.Name(), left)
		}
	})
}
