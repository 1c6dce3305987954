package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// lambdaGrace is how long a Lambda function's trigger waits past the function's configured timeout, so
// that the emulator's own timeout answer ("Task timed out") comes first.
const lambdaGrace = 3 * time.Second

// lambdaRun is the state of a running Lambda function: its trigger, and the goroutine that feeds the
// current container's log stream to the trigger's reports.
type lambdaRun struct {
	trigger *sebs.LambdaTrigger
	cancel  context.CancelFunc // ends the follower; nil when none runs
	done    chan struct{}      // closed when the follower has ended
}

// followLambda points a Lambda function's trigger at inst (a first start or a cold start): it follows the
// container's log stream, from its beginning, into fresh [sebs.LambdaReports] (the previous container's
// follower is ended first), and moves the trigger to the container's URL. It does nothing for other
// functions.
func (f *Function) followLambda(inst *instance) error {
	l := f.lambda
	if l == nil {
		return nil
	}
	l.stop()
	ctx, cancel := context.WithCancel(context.Background())
	logs, err := f.eng.ContainerLogs(ctx, inst.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		cancel()
		return fmt.Errorf("follow the log of Lambda container %s for its REPORT lines: %w", engine.ShortID(inst.id), err)
	}
	reports := new(sebs.LambdaReports)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer logs.Close()
		// The emulator writes REPORT lines to stdout; stderr holds its own log.
		_, err := stdcopy.StdCopy(reports, io.Discard, logs)
		reports.Close(err)
	}()
	l.cancel, l.done = cancel, done
	l.trigger.Close()
	l.trigger.URL = inst.url(f.ep)
	l.trigger.Reports = reports
	return nil
}

// stop ends the log follower, if one runs, and closes the trigger's idle connections. It is safe on a nil
// lambdaRun.
func (l *lambdaRun) stop() {
	if l == nil {
		return
	}
	if l.cancel != nil {
		l.cancel()
		<-l.done
		l.cancel = nil
	}
	l.trigger.Close()
}

// invokeLambda invokes a Lambda function through its trigger. A connection error from a container that is
// no longer running (the emulator exited or was killed) also wraps [ErrGone] and says how it ended.
func (f *Function) invokeLambda(ctx context.Context, payload any) (*sebs.ExecutionResult, error) {
	res, err := f.lambda.trigger.Invoke(ctx, payload)
	if !errors.Is(err, sebs.ErrConnection) {
		return res, err
	}
	// The connection drops as the emulator dies, a moment before the engine sees the container stop.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), goneCheck)
	defer cancel()
	tgt := &target{eng: f.eng, id: f.inst.id, host: f.ep.Host}
	tick := time.NewTicker(goneCheck / 50)
	defer tick.Stop()
	for {
		c, serr := tgt.Inspect(ictx)
		switch {
		case serr != nil && engine.IsGone(serr):
			return res, fmt.Errorf("%w: the emulator's container %s was removed during the call: %w", ErrGone, engine.ShortID(f.inst.id), err)
		case serr == nil && c.State != nil && !c.State.Running && !c.State.Restarting:
			return res, fmt.Errorf("%w: the emulator exited with code %d (OOM-killed: %t) during the call: %w%s",
				ErrGone, c.State.ExitCode, f.eng.OOMKilled(ictx, *c), err, f.logTail(f.inst.id))
		}
		select {
		case <-ictx.Done():
			return res, err // still running: the connection failed for another reason
		case <-tick.C:
		}
	}
}

// goneCheck bounds how long a failed connection to a Lambda function waits to see its container stop: a
// loaded engine takes a second or more to notice a killed container.
const goneCheck = lambdaGrace
