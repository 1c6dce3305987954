package sebstest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/testcontainers/testcontainers-go"
)

// engine is the Docker engine this package talks to: the moby API client that testcontainers-go
// resolves (DOCKER_HOST, Docker context, default socket, ~/.testcontainers.properties), with all of the
// client's methods promoted. One engine is shared by everything a caller does; Close it when done.
type engine struct {
	*testcontainers.DockerClient
}

// newEngine connects to the Docker engine, the same one testcontainers-go would use.
func newEngine(ctx context.Context) (*engine, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to docker engine (is the daemon running and DOCKER_HOST right?): %w", err)
	}
	return &engine{DockerClient: cli}, nil
}

// local reports whether the engine runs on this machine (see [LocalEngine]).
func (e *engine) local() bool { return LocalEngine(e.DaemonHost()) }

// lazyEngine connects on first use and then hands out the same engine. A failed connection is not
// remembered: the next call tries again. The zero value is ready to use; it must not be copied.
type lazyEngine struct {
	mu  sync.Mutex
	eng *engine
}

// get returns the engine, connecting if this is the first successful call.
func (l *lazyEngine) get(ctx context.Context) (*engine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eng != nil {
		return l.eng, nil
	}
	eng, err := newEngine(ctx)
	if err != nil {
		return nil, err
	}
	l.eng = eng
	return eng, nil
}

// close closes the engine if one was connected. get connects again afterwards.
func (l *lazyEngine) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eng == nil {
		return nil
	}
	err := l.eng.Close()
	l.eng = nil
	return err
}

// LocalEngine reports whether a Docker daemon host address (as in DOCKER_HOST, e.g.
// "unix:///var/run/docker.sock", "npipe:////./pipe/docker_engine", "tcp://10.0.0.5:2376") names an
// engine on this machine: a unix socket or a Windows named pipe, or a TCP/HTTP address whose host is
// "localhost" or a loopback IP. Ports such an engine publishes are reachable on 127.0.0.1. For any other
// address (a remote engine, or one that does not parse) it reports false.
func LocalEngine(host string) bool {
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "unix", "npipe":
		return true
	case "tcp", "http", "https":
		h := u.Hostname()
		if strings.EqualFold(h, "localhost") {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	default:
		return false
	}
}
