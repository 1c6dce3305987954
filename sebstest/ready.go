package sebstest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/testcontainers/testcontainers-go/wait"
)

// A ProtocolStrategy waits until a function container answers the SeBS protocol: it polls GET /alive on
// the function's port until any HTTP answer comes (upstream's servers answer /alive oddly, so the status
// does not matter), and gives up early when the container stops running. It is a testcontainers-go
// wait.Strategy; [Start] uses [ForProtocol] unless the caller passes testcontainers.WithWaitStrategy,
// whose strategy then replaces it (its time is the Ready phase either way).
type ProtocolStrategy struct {
	port    string
	poll    time.Duration
	timeout time.Duration
}

// ForProtocol returns the readiness strategy [Start] uses: a poll every [DefaultPollInterval] of port
// 9000/tcp, fine enough that the measured startup is not quantised by the poll, for at most
// [DefaultReadyTimeout].
func ForProtocol() *ProtocolStrategy {
	return &ProtocolStrategy{port: functionPort, poll: DefaultPollInterval, timeout: DefaultReadyTimeout}
}

// WithPollInterval sets how often the strategy polls.
func (p *ProtocolStrategy) WithPollInterval(d time.Duration) *ProtocolStrategy { p.poll = d; return p }

// WithStartupTimeout bounds the wait.
func (p *ProtocolStrategy) WithStartupTimeout(d time.Duration) *ProtocolStrategy {
	p.timeout = d
	return p
}

// WithPort sets the container port polled (default "9000/tcp").
func (p *ProtocolStrategy) WithPort(port string) *ProtocolStrategy { p.port = port; return p }

// Timeout returns the startup timeout, for testcontainers' composite strategies.
func (p *ProtocolStrategy) Timeout() *time.Duration { return &p.timeout }

// errStopped says the container stopped running before it answered.
var errStopped = errors.New("the container stopped before answering")

// stateCheckEvery is how often, while polling, the container's state is read, so a container that exited
// is reported at once instead of at the deadline.
const stateCheckEvery = 50 * time.Millisecond

// WaitUntilReady polls the target until it answers, the container stops, or the timeout passes.
func (p *ProtocolStrategy) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	host, err := target.Host(ctx)
	if err != nil {
		return fmt.Errorf("find the container's host: %w", err)
	}
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 500 * time.Millisecond}
	tick := time.NewTicker(p.poll)
	defer tick.Stop()
	url, lastState := "", time.Time{}
	for {
		if url == "" {
			if port, err := target.MappedPort(ctx, p.port); err == nil {
				url = fmt.Sprintf("http://%s:%d/alive", host, port.Num())
			}
		}
		if url != "" {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if resp, err := hc.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				resp.Body.Close()
				return nil
			}
		}
		if time.Since(lastState) >= stateCheckEvery {
			lastState = time.Now()
			if st, err := target.State(ctx); err == nil && !st.Running && !st.Restarting {
				return errStopped
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no answer on %s within %s (raise it with WithReadyTimeout): %w", cmp.Or(url, p.port), p.timeout, ctx.Err())
		case <-tick.C:
		}
	}
}

// awaitReady runs the caller's wait strategy, or ours, against the container, times it as the Ready
// phase, and reads the published port. A container that stopped first is reported as [ErrNotReady] with
// its exit code, whether it was OOM-killed (then also as [ErrOutOfMemory], naming the limit), and its
// last log lines.
func (f *Function) awaitReady(ctx context.Context, inst *instance, strategy wait.Strategy) error {
	if strategy == nil {
		strategy = ForProtocol().WithPollInterval(f.s.pollEvery).WithStartupTimeout(f.s.readyTimeout).WithPort(f.s.port)
	}
	began := time.Now()
	reason, err := f.resolveAddress(ctx, inst)
	if err != nil {
		return err
	}
	tgt := &target{eng: f.eng, id: inst.id, host: f.ep.Host, bridge: inst.host, ctr: inst.ctr}
	if reason != "" && inst.unpublished { // no published port to fall back on
		// A container that has stopped has no address either: that is its exit, not the network.
		if c, serr := tgt.Inspect(ctx); serr == nil && c.State != nil && !c.State.Running && !c.State.Restarting {
			return f.notReadyExit(ctx, *c)
		}
		return fmt.Errorf("%w: %s", errUnreachable, reason) // launch starts it again with its port published
	}
	var (
		waitOn  wait.StrategyTarget = tgt
		fwdPort int
	)
	if f.egress != nil { // WithoutEgress: no published port; the forwarder's stands in for it
		var err error
		if fwdPort, err = f.aimForwarder(ctx, inst.id); err != nil {
			return fmt.Errorf("%w: %w%s", ErrNotReady, err, f.logTail(inst.id))
		}
		waitOn = &forwardedTarget{target: tgt, port: fwdPort}
	}
	err = strategy.WaitUntilReady(ctx, waitOn)
	switch {
	case err == nil && f.egress != nil:
		inst.port = fwdPort
	case err == nil:
		err = f.readPort(ctx, inst) // issue 16 (address.go)
	}
	if err == nil {
		inst.startup.Ready = time.Since(began)
		return nil
	}
	if c, serr := tgt.Inspect(ctx); serr == nil && c.State != nil && !c.State.Running && !c.State.Restarting {
		return f.notReadyExit(ctx, *c)
	}
	return fmt.Errorf("%w: %w%s", ErrNotReady, err, f.logTail(inst.id))
}

// hostPort reads the host port the container's function port is published on.
func (f *Function) hostPort(ctx context.Context, id string) (int, error) {
	tgt := &target{eng: f.eng, id: id}
	p, err := tgt.MappedPort(ctx, f.s.port)
	if err != nil {
		return 0, err
	}
	return int(p.Num()), nil
}

var (
	_ wait.Strategy        = (*ProtocolStrategy)(nil)
	_ wait.StrategyTimeout = (*ProtocolStrategy)(nil)
)
