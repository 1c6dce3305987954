package sebstest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// stateCheckEvery is how often, while polling for readiness, the container's state is inspected, so a
// container that exited is reported at once instead of at the deadline.
const stateCheckEvery = 50 * time.Millisecond

// logTailLines is how many of a failed container's last log lines an error shows.
const logTailLines = 20

// awaitReady reads the container's published port, then polls GET /alive until any HTTP answer comes
// (upstream servers answer /alive oddly, so the status does not matter), the container exits, or the
// ready timeout passes. It records the time from the end of start to the first answer.
func (f *Function) awaitReady(ctx context.Context, inst *instance) error {
	began := time.Now()
	ctx, cancel := context.WithTimeout(ctx, f.s.readyTimeout)
	defer cancel()
	port, err := f.hostPort(ctx, inst.id)
	if err != nil {
		// A container that exits at once loses its port mapping before it can be read.
		if exited, code := f.exited(ctx, inst.id); exited {
			return fmt.Errorf("%w: the container exited with code %d before answering%s", ErrNotReady, code, f.logTail(inst))
		}
		return fmt.Errorf("find the published port: %w%s", err, f.logTail(inst))
	}
	inst.port = port
	url := "http://" + inst.url(f.ep) + "/alive"
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 500 * time.Millisecond}
	tick := time.NewTicker(f.s.pollEvery)
	defer tick.Stop()
	lastState := time.Now()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			inst.startup.Ready = time.Since(began)
			return nil
		}
		if time.Since(lastState) >= stateCheckEvery {
			lastState = time.Now()
			if exited, code := f.exited(ctx, inst.id); exited {
				return fmt.Errorf("%w: the container exited with code %d before answering on %s%s", ErrNotReady, code, url, f.logTail(inst))
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w on %s within %s (raise it with WithReadyTimeout): %w%s",
				ErrNotReady, url, f.s.readyTimeout, ctx.Err(), f.logTail(inst))
		case <-tick.C:
		}
	}
}

// hostPort reads the host port the container's function port is published on.
func (f *Function) hostPort(ctx context.Context, id string) (int, error) {
	res, err := f.s.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return 0, fmt.Errorf("inspect container %s: %w", shortID(id), err)
	}
	want := strings.SplitN(f.s.port, "/", 2)[0]
	if res.Container.NetworkSettings == nil {
		return 0, fmt.Errorf("container %s has no network settings", shortID(id))
	}
	for p, bindings := range res.Container.NetworkSettings.Ports {
		if strconv.Itoa(int(p.Num())) != want {
			continue
		}
		for _, b := range bindings {
			if n, err := strconv.Atoi(b.HostPort); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, fmt.Errorf("container %s publishes no host port for %s", shortID(id), f.s.port)
}

// exited reports whether the container has stopped running, and its exit code.
func (f *Function) exited(ctx context.Context, id string) (bool, int) {
	res, err := f.s.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil || res.Container.State == nil {
		return false, 0
	}
	st := res.Container.State
	return !st.Running && !st.Restarting, st.ExitCode
}

// logTail returns the container's last log lines, formatted to end an error message, or "".
func (f *Function) logTail(inst *instance) string {
	if inst == nil || inst.id == "" || f.s.cli == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lines, err := containerLogTail(ctx, f.s.cli, inst.id, logTailLines)
	if err != nil || len(lines) == 0 {
		return ""
	}
	return "\ncontainer " + shortID(inst.id) + " log (last lines):\n  " + strings.Join(lines, "\n  ")
}

// containerLogTail returns up to n last lines of a container's stdout and stderr.
func containerLogTail(ctx context.Context, cli *client.Client, id string, n int) ([]string, error) {
	rc, err := cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: strconv.Itoa(n)})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, io.LimitReader(rc, 1<<20)); err != nil {
		return nil, err
	}
	text := strings.TrimRight(out.String(), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
