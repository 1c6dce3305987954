// Package engine is the one Docker client of a function (or of a process's sweep): connected as
// testcontainers-go resolves the engine (DOCKER_HOST, Docker context, default socket,
// ~/.testcontainers.properties), handed down to build, start, readiness, memory, logs and stop, and closed
// exactly once. It counts the clients it opens, so a test can show that one function opens one.
package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/testcontainers/testcontainers-go"
)

// An Engine is a connected Docker API client with every method of the moby client promoted. Close it
// once when done; later Closes do nothing.
type Engine struct {
	*testcontainers.DockerClient

	closeOnce sync.Once
	closeErr  error
}

// opened counts the engines Open has connected in this process.
var opened atomic.Int64

// Open connects to the Docker engine testcontainers-go would use.
func Open(ctx context.Context) (*Engine, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to the Docker engine (is it running, and is DOCKER_HOST right?): %w", err)
	}
	opened.Add(1)
	return &Engine{DockerClient: cli}, nil
}

// Opened returns how many engines Open has connected in this process so far.
func Opened() int64 { return opened.Load() }

// Close closes the client the first time it is called and returns that result every time.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() { e.closeErr = e.DockerClient.Close() })
	return e.closeErr
}

// Local reports whether the engine runs on this machine (see [LocalHost]).
func (e *Engine) Local() bool { return LocalHost(e.DaemonHost()) }
