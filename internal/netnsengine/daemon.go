package netnsengine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// launch starts dockerd in the namespace (through nsenter, unshare and launch.sh) and waits until its
// API answers over TLS from this side of the veth pair.
func (e *Engine) launch(ctx context.Context, opts Options) error {
	driver := opts.StorageDriver
	if driver == "" {
		driver = "overlay2"
	}
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
	args := append([]string{"--net=" + filepath.Join(netnsDir, e.name.String()), "--",
		"unshare", "--mount", "--propagation", "slave", "--",
		"sh", "-c", launchScript, "launch.sh", e.dir, dockerd}, e.daemonArgs(driver)...)
	cmd := exec.Command("nsenter", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group keeps a terminal's ^C away from it; the parent-death signal stops it when
	// the test process dies without closing it (each of nsenter, unshare and sh execs the next, so the
	// signal is dockerd's).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("netnsengine: start dockerd: %w", err)
	}
	e.cmd, e.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(e.exited) }()
	if err := e.waitAPI(ctx, timeout); err != nil {
		return err
	}
	e.timings.Daemon = time.Since(t)
	return nil
}

// waitAPI pings the API every 50 ms until it answers, the daemon exits, ctx ends or timeout passes.
func (e *Engine) waitAPI(ctx context.Context, timeout time.Duration) error {
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
			return fmt.Errorf("netnsengine: dockerd exited (%v) before its API answered; its log ends:\n%s", e.cmd.ProcessState, e.logTail())
		case <-ctx.Done():
			return fmt.Errorf("netnsengine: wait for dockerd's API at %s: %w", e.DockerHost(), ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("netnsengine: dockerd's API at %s did not answer within %s (last error: %v); its log ends:\n%s", e.DockerHost(), timeout, err, e.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the last lines of the daemon's log, for errors.
func (e *Engine) logTail() string {
	data, err := os.ReadFile(filepath.Join(e.dir, "dockerd.log"))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// DaemonPID is the process ID of the engine's dockerd, 0 before it started.
func (e *Engine) DaemonPID() int {
	if e.cmd == nil || e.cmd.Process == nil {
		return 0
	}
	return e.cmd.Process.Pid
}

