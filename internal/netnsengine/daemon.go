//go:build linux

package netnsengine

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"
)

// daemonArgs are dockerd's flags: every path in the engine's directory, its own configuration file (so
// the host's /etc/docker/daemon.json is never read), the API on the namespace address with TLS
// required, the bridge made in the namespace, published ports on the namespace address by default,
// and a cgroup parent named like everything else of the engine.
func (e *Engine) daemonArgs(driver string) []string {
	p := func(name string) string { return filepath.Join(e.dir, name) }
	srv := filepath.Join(e.dir, "tls", "server")
	return []string{
		"--config-file", p("daemon.json"),
		"--data-root", p("data"),
		"--exec-root", p("exec"),
		"--pidfile", p("dockerd.pid"),
		"-H", "unix://" + p("docker.sock"),
		"-H", e.DockerHost(),
		"--tlsverify",
		"--tlscacert", filepath.Join(srv, "ca.pem"),
		"--tlscert", filepath.Join(srv, "cert.pem"),
		"--tlskey", filepath.Join(srv, "key.pem"),
		"--bridge", bridgeName,
		"--ip", e.ip.String(),
		"--cgroup-parent", "/" + e.name.String(),
		"--storage-driver", driver,
	}
}

// launch starts dockerd in the namespace and waits until its API answers over TLS from this side of the
// veth pair. nsenter enters the network namespace; unshare makes a mount namespace (slave to the host's)
// and a PID namespace whose init is docker-init (tini), which runs dockerd. PIDs the engine reports are
// then not this machine's, as with a remote engine, and when the init ends the kernel kills everything
// left in the PID namespace, containers included.
func (e *Engine) launch(ctx context.Context, opts Options) error {
	driver := cmp.Or(opts.StorageDriver, os.Getenv(EnvStorageDriver), "overlay2")
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	if err := os.WriteFile(filepath.Join(e.dir, "daemon.json"), []byte("{}\n"), 0o600); err != nil {
		return fmt.Errorf("netnsengine: daemon configuration: %w", err)
	}
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		return fmt.Errorf("netnsengine: %w", err)
	}
	logf, err := os.Create(filepath.Join(e.dir, "dockerd.log"))
	if err != nil {
		return fmt.Errorf("netnsengine: daemon log: %w", err)
	}
	defer logf.Close()
	tini, err := exec.LookPath("docker-init")
	if err != nil {
		return fmt.Errorf("netnsengine: %w", err)
	}
	args := append([]string{"--net=" + filepath.Join(netnsDir, e.name.String()), "--",
		"unshare", "--mount", "--propagation", "slave", "--pid", "--fork", "--mount-proc", "--kill-child=SIGTERM", "--",
		"sh", "-c", launchScript, "launch.sh", e.dir, tini, "--", dockerd}, e.daemonArgs(driver)...)
	cmd := exec.Command("nsenter", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group keeps a terminal's ^C away from it. When the test process dies without
	// closing the engine, the parent-death signal kills unshare (nsenter execs it), whose --kill-child
	// sends SIGTERM to the init, which passes it to dockerd: the daemon shuts down. (unshare ignores
	// SIGTERM itself, hence SIGKILL.) The signal follows the OS thread that started the process; the Go
	// runtime only ends a thread when a goroutine locked to it exits, and a sweep covers that case too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("netnsengine: start dockerd: %w", err)
	}
	e.cmd, e.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(e.exited) }()
	if err := e.waitAPI(ctx, timeout, driver); err != nil {
		return err
	}
	e.timings.Daemon = time.Since(t)
	return nil
}

// waitAPI pings the API every 50 ms until it answers, the daemon exits, ctx ends or timeout passes. driver
// is the daemon's storage driver, named in the errors: the daemon's own message about one it cannot use
// need not name it.
func (e *Engine) waitAPI(ctx context.Context, timeout time.Duration, driver string) error {
	cli, err := e.Client()
	if err != nil {
		return err
	}
	defer cli.Close()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := cli.Ping(pctx, client.PingOptions{})
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-e.exited:
			return fmt.Errorf("netnsengine: dockerd exited (%v) before its API answered (storage driver %s); its log ends:\n%s", e.cmd.ProcessState, driver, e.logTail())
		case <-ctx.Done():
			return fmt.Errorf("netnsengine: wait for dockerd's API at %s: %w", e.DockerHost(), ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("netnsengine: dockerd's API at %s (storage driver %s) did not answer within %s (last error: %v); its log ends:\n%s", e.DockerHost(), driver, timeout, err, e.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the last lines of the daemon's log, for errors, without its gRPC client's connection
// chatter (module=grpc), which a failing daemon writes a dozen lines of as it shuts down and which would
// push the lines that say what failed out of the tail.
func (e *Engine) logTail() string {
	data, err := os.ReadFile(filepath.Join(e.dir, "dockerd.log"))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := slices.DeleteFunc(bytes.Split(bytes.TrimSpace(data), []byte("\n")), func(l []byte) bool {
		return bytes.Contains(l, []byte("module=grpc"))
	})
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// DaemonPID is the process ID (in this machine's PID namespace) of the unshare process that holds the
// engine's PID namespace: it exits when the daemon's init has. 0 before the start.
func (e *Engine) DaemonPID() int {
	if e.cmd == nil || e.cmd.Process == nil {
		return 0
	}
	return e.cmd.Process.Pid
}

// stop ends the daemon gracefully: SIGTERM to the PID namespace's init, which passes it to dockerd; after
// 20 s, SIGKILL to the init, which makes the kernel kill the whole PID namespace. It returns once unshare
// has been waited for.
func (e *Engine) stop() {
	initPID := firstChild(e.cmd.Process.Pid)
	if initPID == 0 {
		// No init (it has exited, or the children file is missing): killing unshare makes it send
		// SIGTERM to its child, if any.
		e.cmd.Process.Kill()
	} else {
		syscall.Kill(initPID, syscall.SIGTERM)
	}
	select {
	case <-e.exited:
		return
	case <-time.After(20 * time.Second):
	}
	if initPID != 0 {
		syscall.Kill(initPID, syscall.SIGKILL)
	}
	e.cmd.Process.Kill()
	<-e.exited
}

// firstChild returns the first child process of pid, or 0.
func firstChild(pid int) int {
	p := strconv.Itoa(pid)
	data, err := os.ReadFile("/proc/" + p + "/task/" + p + "/children")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 0
	}
	c, _ := strconv.Atoi(f[0])
	return c
}
