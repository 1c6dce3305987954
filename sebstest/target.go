package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/gosebs/sebs/internal/engine"
)

// target is a function container as a wait strategy sees it, read through the function's own engine and
// addressed as this package addresses it (see engine.Endpoint), not as testcontainers would guess.
type target struct {
	eng  *engine.Engine
	id   string
	host string
	// bridge is the container's own address when the function is invoked on it (address.go): Host
	// returns it, and MappedPort the container port itself, so readiness polls what the calls will use.
	bridge string
	ctr    *testcontainers.DockerContainer // for Exec and file copies; nil for an attached container
}

var _ wait.StrategyTarget = (*target)(nil)

func (t *target) Host(context.Context) (string, error) {
	if t.bridge != "" {
		return t.bridge, nil
	}
	return t.host, nil
}

func (t *target) Inspect(ctx context.Context) (*container.InspectResponse, error) {
	res, err := t.eng.ContainerInspect(ctx, t.id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", engine.ShortID(t.id), err)
	}
	return &res.Container, nil
}

// Ports is the container's published ports (deprecated in the interface, kept for old strategies).
func (t *target) Ports(ctx context.Context) (network.PortMap, error) {
	c, err := t.Inspect(ctx)
	if err != nil {
		return nil, err
	}
	if c.NetworkSettings == nil {
		return nil, fmt.Errorf("container %s has no network settings", engine.ShortID(t.id))
	}
	return c.NetworkSettings.Ports, nil
}

// MappedPort returns the host port the container port is published on, or the container port itself
// when the container is reached on its bridge address.
func (t *target) MappedPort(ctx context.Context, port string) (network.Port, error) {
	if t.bridge != "" {
		if !strings.Contains(port, "/") {
			port += "/tcp"
		}
		return network.ParsePort(port)
	}
	ports, err := t.Ports(ctx)
	if err != nil {
		return network.Port{}, err
	}
	want := portNumber(port)
	for p, bindings := range ports {
		if strconv.Itoa(int(p.Num())) != want {
			continue
		}
		for _, b := range bindings {
			if n, err := strconv.Atoi(b.HostPort); err == nil && n > 0 {
				return network.ParsePort(b.HostPort + "/" + string(p.Proto()))
			}
		}
	}
	return network.Port{}, fmt.Errorf("container %s publishes no host port for %s", engine.ShortID(t.id), port)
}

func (t *target) Logs(ctx context.Context) (io.ReadCloser, error) {
	return t.eng.ContainerLogs(ctx, t.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
}

func (t *target) Exec(ctx context.Context, cmd []string, opts ...tcexec.ProcessOption) (int, io.Reader, error) {
	if t.ctr == nil {
		return 0, nil, errors.New("exec in an attached function container is not supported by this wait target")
	}
	return t.ctr.Exec(ctx, cmd, opts...)
}

func (t *target) State(ctx context.Context) (*container.State, error) {
	c, err := t.Inspect(ctx)
	if err != nil {
		return nil, err
	}
	if c.State == nil {
		return nil, fmt.Errorf("container %s has no state", engine.ShortID(t.id))
	}
	return c.State, nil
}

func (t *target) CopyFileFromContainer(ctx context.Context, path string) (io.ReadCloser, error) {
	if t.ctr == nil {
		return nil, errors.New("copying files from an attached function container is not supported by this wait target")
	}
	return t.ctr.CopyFileFromContainer(ctx, path)
}

// portNumber is the number of a port spec such as "9000/tcp".
func portNumber(port string) string {
	n, _, _ := strings.Cut(port, "/")
	return n
}
