package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/serve/storage"
)

// Storage is an object storage server beside the functions, as upstream SeBS's local platform gives its
// storage benchmarks: MinIO, built from source on first use (minutes; cached by version), in a container
// on a Docker network of its own, with credentials made for this run. Functions started with
// [WithStorage] join the network and reach it by name; the test process reaches it through its port
// published on 127.0.0.1 ([Storage.Client] and the helpers below).
//
// The server and its network carry the owner labels of every container this package makes, so a run
// that is killed leaves nothing that the next sweep ([VerifyTestMain]) does not remove. Its data lives in
// a tmpfs: nothing outlives the container. Its keys go to the functions' environment only; String and
// the result files never show them.
type Storage struct {
	eng       *engine.Engine
	server    *minioimage.Server
	network   string
	removeNet func(context.Context) error
	host      *storage.Client
	progress  io.Writer

	filesMu sync.Mutex
	files   *Function // the file server (ServeFiles), or nil

	stopOnce sync.Once
	stopErr  error
}

// StartStorage builds (or finds) the server image, creates a network and starts the server on it. The
// caller must call [Storage.Stop] after stopping the functions that use it. Progress lines (the first
// build of the server takes minutes) go to progress; nil discards them.
func StartStorage(ctx context.Context, progress io.Writer) (*Storage, error) {
	if progress == nil {
		progress = io.Discard
	}
	eng, err := engine.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("sebstest: storage: %w", err)
	}
	return startStorage(ctx, eng, progress)
}

// NewStorage starts a storage server for a test, like [StartStorage], with progress in the test log. It
// is stopped (server and network removed) when the test ends, after the functions started later in the
// test, whose cleanups run first. Without a Docker engine the test is skipped, or fails under CI=true.
func NewStorage(tb testing.TB) *Storage {
	tb.Helper()
	eng := openOrSkip(tb)
	st, err := startStorage(tb.Context(), eng, newTBLog(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Stop(context.Background()); err != nil {
			tb.Errorf("stop storage: %v", err)
		}
	})
	return st
}

// storageTimeout and storageAttempts bound each storage request of a function started WithStorage, so a
// server that stops answering fails the call well within a function's timeout.
const (
	storageTimeout  = "10" // seconds
	storageAttempts = "2"
)

// startStorage starts the server through eng, which the Storage owns from here on.
func startStorage(ctx context.Context, eng *engine.Engine, progress io.Writer) (*Storage, error) {
	cli := eng.Client
	began := time.Now()
	tag, err := minioimage.Image(ctx, cli, minioimage.ImageOptions{Labels: owner.Labels(), Progress: progress})
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: storage: %w", err)
	}
	net, removeNet, err := minioimage.NewNetwork(ctx, cli, owner.Labels())
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: storage: %w", err)
	}
	st := &Storage{eng: eng, network: net, removeNet: removeNet, progress: progress}
	if st.server, err = minioimage.Run(ctx, cli, minioimage.RunOptions{Image: tag, Network: net, Labels: owner.Labels()}); err == nil {
		st.host, err = st.server.Client(storage.Config{Timeout: 30 * time.Second})
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sebstest: storage: %w", err), st.Stop(context.WithoutCancel(ctx)))
	}
	fmt.Fprintf(progress, "sebstest: started storage %v in %s (image ready after %s)\n", st.server,
		st.server.Startup.Round(time.Millisecond), (time.Since(began) - st.server.Startup).Round(time.Millisecond))
	return st, nil
}

// Stop removes the file server (if [Storage.ServeFiles] started one), the server and then its network, and
// closes the Docker client; stop the functions on the network first. Calling it again returns the first call's result.
func (st *Storage) Stop(ctx context.Context) error {
	st.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, removeTimeout)
		defer cancel()
		errs := []error{st.stopFiles(ctx)}
		if st.server != nil {
			errs = append(errs, st.server.Stop(ctx))
		}
		errs = append(errs, st.removeNet(ctx), st.eng.Close())
		st.stopErr = errors.Join(errs...)
	})
	return st.stopErr
}

// Client returns the test process's S3 client (through the published port): upstream's storage
// operations, plus Put, PutFile, List and MakeBucket to lay out inputs.
func (st *Storage) Client() *storage.Client { return st.host }

// Network returns the name of the Docker network the server and the functions using it are on.
func (st *Storage) Network() string { return st.network }

// ContainerID returns the server container's ID (to pause or kill it in a fault test).
func (st *Storage) ContainerID() string { return st.server.ContainerID() }

// Pause freezes the server: connections are accepted but nothing answers, as a server that hangs.
func (st *Storage) Pause(ctx context.Context) error {
	if _, err := st.eng.ContainerPause(ctx, st.server.ContainerID(), client.ContainerPauseOptions{}); err != nil {
		return fmt.Errorf("sebstest: pause storage %v: %w", st.server, err)
	}
	return nil
}

// Unpause lets a paused server answer again.
func (st *Storage) Unpause(ctx context.Context) error {
	if _, err := st.eng.ContainerUnpause(ctx, st.server.ContainerID(), client.ContainerUnpauseOptions{}); err != nil {
		return fmt.Errorf("sebstest: unpause storage %v: %w", st.server, err)
	}
	return nil
}

// String names the server and where it listens; never its keys.
func (st *Storage) String() string { return st.server.String() }

// WithStorage gives the function the storage server st, as upstream's local platform does: the
// container joins st's network and gets MINIO_ADDRESS, MINIO_ACCESS_KEY and MINIO_SECRET_KEY, and each
// storage request is bounded (SEBS_STORAGE_TIMEOUT 10 s, SEBS_STORAGE_ATTEMPTS 2; testcontainers.WithEnv
// after this option overrides them). A Python or Node.js code package that has no function/storage.py or
// function/storage.js gets our storage wrapper there (fixtures/python/runtime/storage.py on boto3,
// fixtures/nodejs/runtime/storage.js on node-aws4), as upstream packages its own: the package is copied with
// it into a cache folder, since /function is mounted read-only.
func WithStorage(st *Storage) Option {
	return option(func(s *settings) error {
		if st == nil || st.server == nil {
			return errors.New("WithStorage: no storage; start one with NewStorage or StartStorage")
		}
		env := st.server.Env()
		env[storage.EnvTimeout], env[storage.EnvAttempts] = storageTimeout, storageAttempts
		s.storage = st
		s.customizers = append(s.customizers, testcontainers.WithEnv(env), tcnetwork.WithNetworkName(nil, st.network))
		return nil
	})
}
