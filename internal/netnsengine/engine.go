//go:build linux

package netnsengine

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// Port is the TCP port of the engine's API on its namespace address (Docker's TLS port).
const Port = 2376

// EnvStorageDriver names the environment variable that chooses the storage driver when
// [Options.StorageDriver] is empty (e.g. SEBS_NETNS_STORAGE_DRIVER=vfs make test-remote where overlay2
// cannot mount on the temporary directory's file system).
const EnvStorageDriver = "SEBS_NETNS_STORAGE_DRIVER"

// Options tune [Start]; the zero value is ready to use.
type Options struct {
	// StorageDriver is the daemon's storage driver; "" means the value of the environment variable
	// [EnvStorageDriver], or overlay2 when that is empty too. vfs works on any file system, slowly.
	StorageDriver string
	// StartTimeout bounds the wait for the API to answer; 0 means one minute.
	StartTimeout time.Duration
	// Logf, when set, is told what [SweepStale] removed before the start.
	Logf func(format string, args ...any)
}

// Timings are how long the steps of [Start] took.
type Timings struct {
	Network time.Duration // namespace, veth pair and bridge
	TLS     time.Duration // certificate authority, server and client certificates
	Daemon  time.Duration // from launching dockerd until its API answered a ping over TLS through the veth
}

// An Engine is a Docker daemon running in a network namespace of its own, reachable at [Engine.DockerHost]
// with the TLS client files in [Engine.CertDir]. Close it when done.
type Engine struct {
	name    resourceName
	dir     string
	certDir string
	hostIP  netip.Addr
	ip      netip.Addr
	timings Timings

	cmd    *exec.Cmd
	exited chan struct{} // closed once the daemon process has been waited for

	closeOnce sync.Once
	closeErr  error
}

//go:embed launch.sh
var launchScript string

// Start creates a network namespace with a veth pair to this one, TLS material, and a Docker daemon in
// the namespace serving its API on tcp://<namespace address>:2376, and waits until the API answers from
// this side. It first removes what engines of dead processes left ([SweepStale]). On error nothing of
// the new engine is left.
func Start(ctx context.Context, opts Options) (*Engine, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	removed, err := SweepStale(ctx)
	if opts.Logf != nil {
		for _, r := range removed {
			opts.Logf("netnsengine: removed a dead run's %s", r)
		}
		if err != nil {
			opts.Logf("netnsengine: sweep of dead runs' engines: %v", err)
		}
	}
	me, err := self()
	if err != nil {
		return nil, err
	}
	e := &Engine{}
	if err := e.setUpNetwork(ctx, me); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	t := time.Now()
	if e.certDir, err = writeTLS(filepath.Join(e.dir, "tls"), e.ip); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	e.timings.TLS = time.Since(t)
	if err := e.launch(ctx, opts); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	return e, nil
}

// setUpNetwork chooses a free address index and makes the directory, namespace, veth pair and bridge,
// under the machine-wide lock so that concurrent starts choose different indexes.
func (e *Engine) setUpNetwork(ctx context.Context, me owner) error {
	t := time.Now()
	unlock, err := lock()
	if err != nil {
		return err
	}
	defer unlock()
	i, err := freeIndex()
	if err != nil {
		return err
	}
	e.name = resourceName{index: i, owner: me}
	e.hostIP, e.ip = addrs(i)
	if e.dir, err = os.MkdirTemp("", e.name.String()+"-*"); err != nil {
		return fmt.Errorf("netnsengine: state directory: %w", err)
	}
	if err := createNetwork(ctx, e.name); err != nil {
		return err
	}
	e.timings.Network = time.Since(t)
	return nil
}

// DockerHost is the engine's API address: tcp://10.212.x.2:2376.
func (e *Engine) DockerHost() string {
	return fmt.Sprintf("tcp://%s", netip.AddrPortFrom(e.ip, Port))
}

// CertDir holds the client's TLS files, ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH expects.
func (e *Engine) CertDir() string { return e.certDir }

// Env is the environment that points Docker clients (the docker CLI, testcontainers-go, the moby
// client's FromEnv) at the engine: DOCKER_HOST, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, and
// TESTCONTAINERS_HOST_OVERRIDE set to the engine's address, where testcontainers-go must call published
// ports (it replaces the 127.0.0.1 that local runs use), and SEBS_PUBLISH_IP set to the same address, so
// sebstest publishes function ports on that one address rather than on all of the engine host's
// interfaces. Append it to os.Environ(): later entries win.
func (e *Engine) Env() []string {
	return []string{"DOCKER_HOST=" + e.DockerHost(), "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + e.certDir,
		"TESTCONTAINERS_HOST_OVERRIDE=" + e.ip.String(), "SEBS_PUBLISH_IP=" + e.ip.String()}
}

// IP is the engine host's address, the namespace end of the veth pair: publish container ports on it
// and call them there. 127.0.0.1 of this side does not reach the engine's containers.
func (e *Engine) IP() netip.Addr { return e.ip }

// HostIP is this side's end of the veth pair, the address the engine sees clients come from.
func (e *Engine) HostIP() netip.Addr { return e.hostIP }

// Veth is the name of this side's end of the engine's veth pair.
func (e *Engine) Veth() string { return e.name.hostVeth() }

// Namespace is the name of the engine's network namespace (ip netns exec <name> … runs a command there).
func (e *Engine) Namespace() string { return e.name.String() }

// Timings says how long the steps of Start took.
func (e *Engine) Timings() Timings { return e.timings }

// Client returns a moby client for the engine over TCP and TLS; the caller closes it.
func (e *Engine) Client() (*client.Client, error) {
	cli, err := client.NewClientWithOpts(
		client.WithHost(e.DockerHost()),
		client.WithTLSClientConfig(filepath.Join(e.certDir, "ca.pem"), filepath.Join(e.certDir, "cert.pem"), filepath.Join(e.certDir, "key.pem")),
		client.WithAPIVersionNegotiation(),
	)
	if err != nil {
		return nil, fmt.Errorf("netnsengine: client for %s: %w", e.DockerHost(), err)
	}
	return cli, nil
}

// Close removes the engine's containers, stops the daemon (SIGTERM, then after 20 s SIGKILL to its PID
// namespace) and waits for it, kills whatever it left running, and removes its cgroups, veth pair, namespace and directory
// (data root included). It is safe to call more than once; later calls return the first call's error.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() { e.closeErr = e.close() })
	return e.closeErr
}

// close does Close's work, once.
func (e *Engine) close() error {
	var errs []error
	if e.cmd != nil {
		errs = append(errs, e.removeContainers())
		e.stop()
	}
	if e.name.owner.pid != 0 {
		errs = append(errs, teardown(e.name, e.dir))
	} else if e.dir != "" {
		errs = append(errs, os.RemoveAll(e.dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("netnsengine: close engine %s: %w", e.name, err)
	}
	return nil
}

// removeContainers force-removes every container of the engine while its daemon still runs, so the
// daemon stops with nothing to stop.
func (e *Engine) removeContainers() error {
	select {
	case <-e.exited:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli, err := e.Client()
	if err != nil {
		return err
	}
	defer cli.Close()
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	var errs []error
	for _, c := range list.Items {
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, fmt.Errorf("remove container %s: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

// teardown removes one engine's processes, cgroups, mounts, network and directories; it is what Close
// does after stopping the daemon, and what SweepStale does for a dead owner. dir "" means every
// directory of the engine's name in the temporary directory.
func teardown(n resourceName, dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	pids, err := namespacePIDs(n.String())
	errs = append(errs, err)
	pids = append(pids, cgroupPIDs(n.String())...)
	errs = append(errs, killAll(pids, 10*time.Second))
	errs = append(errs, removeCgroups(n.String(), 10*time.Second))
	dirs := []string{dir}
	if dir == "" {
		dirs, _ = filepath.Glob(filepath.Join(os.TempDir(), n.String()+"-*"))
	}
	for _, d := range dirs {
		errs = append(errs, unmountUnder(d))
	}
	errs = append(errs, deleteNetwork(ctx, n))
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", d, err))
		}
	}
	return errors.Join(errs...)
}
