package engine

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// oomEventWait bounds how long OOMKilled waits for an "oom" event the engine has not logged yet (ctx's
// deadline, when sooner, bounds it too). One second was not always enough: on a loaded 2-core machine a
// call's OOM kill once went unnamed (reliability's TestOutOfMemoryNamed, in CI) after a wait of about that
// long. Only a container with a memory limit that died of SIGKILL with the flag unset waits at all.
const oomEventWait = 5 * time.Second

// OOMKilled reports whether the kernel's OOM killer stopped the container c describes (an inspect of it
// once it stopped). The engine's OOMKilled flag alone misses some: the engine handles the container's exit
// and its OOM notice as two events, and an inspect between the two shows the exit with the flag not yet
// set (seen here: exit 137, "OOMKilled": false, and the engine's "oom" event logged after). So a container
// with a memory limit that died of SIGKILL (exit 137) with the flag unset is looked up in the engine's
// event log, whose "oom" event is waited for up to oomEventWait from now, or until shortly before ctx's
// deadline; any other exit is decided by the flag. So a plain SIGKILL of such a container (docker kill) costs
// its caller that wait: a call at most until its timeout, a start without a deadline 5 s.
func (e *Engine) OOMKilled(ctx context.Context, c container.InspectResponse) bool {
	st := c.State
	switch {
	case st == nil:
		return false
	case st.OOMKilled:
		return true
	case st.ExitCode != 137 || c.HostConfig == nil || c.HostConfig.Memory <= 0:
		return false
	}
	since, err := time.Parse(time.RFC3339Nano, c.Created)
	if err != nil {
		since = time.Now().Add(-time.Hour)
	}
	until := time.Now().Add(oomEventWait)
	if d, ok := ctx.Deadline(); ok && d.Before(until) {
		// The engine ends the log at until; ctx ends at d: leave it a moment (a quarter of what remains,
		// at most a second) to deliver an event logged at the last instant before ctx cuts the stream.
		until = d.Add(-min(time.Second, time.Until(d)/4))
	}
	ctx, cancel := context.WithDeadline(ctx, until.Add(time.Second))
	defer cancel()
	res := e.Events(ctx, client.EventsListOptions{
		Since:   since.Add(-time.Second).Format(time.RFC3339Nano),
		Until:   until.Format(time.RFC3339Nano),
		Filters: make(client.Filters).Add("type", "container").Add("container", c.ID).Add("event", "oom"),
	})
	select {
	case <-res.Messages:
		return true
	case <-res.Err: // the log ended (Until passed) with no oom event, or could not be read
		return false
	}
}
