// Package miniotest starts a MinIO server for a test: image built or found, a Docker network of its own,
// the server on it, a client for the test process, all removed when the test ends, with a check that
// they are gone.
package miniotest

import (
	"context"
	"github.com/gosebs/sebs/internal/owner"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/serve/storage"
)

// Labels returns the owner labels put on what the tests create, so a later sweep can remove what a killed
// run left.
func Labels() map[string]string { return owner.Labels() }

// Env is a running server and what a test needs around it.
type Env struct {
	Cli     *client.Client     // the Docker client, closed at the end of the test
	Network string             // the network the server is on, for the functions to join
	Server  *minioimage.Server // the server
	Host    *storage.Client    // a client for the test process, through the published port
}

// Start builds (or finds) the server image, creates a network and starts the server on it. It skips when no
// Docker engine answers (fails under CI=true). At the end of the test it stops the server, removes the
// network, and fails the test if either is still there; remove the test's own containers on the network
// first (register their cleanups after calling Start).
func Start(tb testing.TB, ctx context.Context, hostCfg storage.Config) *Env {
	tb.Helper()
	sebstest.RequireDocker(tb)
	cli, err := client.New(client.FromEnv)
	if err != nil {
		tb.Fatalf("connect to Docker: %v", err)
	}
	tb.Cleanup(func() { _ = cli.Close() })
	began := time.Now()
	tag, err := minioimage.Image(ctx, cli, minioimage.ImageOptions{Labels: Labels(), Progress: logWriter{tb}})
	if err != nil {
		tb.Fatalf("MinIO image: %v", err)
	}
	if ins, err := cli.ImageInspect(ctx, tag); err == nil {
		tb.Logf("MinIO image %s: %.1f MB (ready in %s)", tag, float64(ins.Size)/1e6, time.Since(began).Round(time.Millisecond))
	}
	net, removeNet, err := minioimage.NewNetwork(ctx, cli, Labels())
	if err != nil {
		tb.Fatal(err)
	}
	e := &Env{Cli: cli, Network: net}
	tb.Cleanup(func() { e.removed(tb, removeNet) })
	e.Server, err = minioimage.Run(ctx, cli, minioimage.RunOptions{Image: tag, Network: net, Labels: Labels()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := e.Server.Stop(ctx); err != nil {
			tb.Error(err)
		}
	})
	tb.Logf("started %v in %s", e.Server, e.Server.Startup.Round(time.Millisecond))
	e.Host, err = e.Server.Client(hostCfg)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// removed removes the network and checks that it and the server container are gone.
func (e *Env) removed(tb testing.TB, removeNet func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := removeNet(ctx); err != nil {
		tb.Error(err)
	}
	if _, err := e.Cli.NetworkInspect(ctx, e.Network, client.NetworkInspectOptions{}); !errdefs.IsNotFound(err) {
		tb.Errorf("network %s still there after removal (inspect: %v)", e.Network, err)
	}
	if e.Server == nil {
		return
	}
	if _, err := e.Cli.ContainerInspect(ctx, e.Server.ContainerID(), client.ContainerInspectOptions{}); !errdefs.IsNotFound(err) {
		tb.Errorf("MinIO container %s still there after Stop (inspect: %v)", e.Server.ContainerID(), err)
	}
}

// logWriter sends progress lines to the test log.
type logWriter struct{ tb testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// InProcess sets MINIO_ADDRESS, MINIO_ACCESS_KEY and MINIO_SECRET_KEY for the rest of the test so that
// code running in the test process itself (a Go handler called directly) reaches the server through its
// published port, and creates bucket.
func (e *Env) InProcess(t *testing.T, ctx context.Context, bucket string) {
	t.Helper()
	for k, v := range e.Server.Env() {
		t.Setenv(k, v)
	}
	t.Setenv(storage.EnvAddress, e.Server.Endpoint())
	if err := e.Host.MakeBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
}
