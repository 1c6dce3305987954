package engine

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// oomEventWait bounds how long OOMKilled waits for an "oom" event the engine has not logged yet.
const oomEventWait = time.Second

// OOMKilled reports whether the kernel's OOM killer stopped the container c describes (an inspect of it
// once it stopped). The engine's OOMKilled flag alone misses some: the engine handles the container's exit
// and its OOM notice as two events, and an inspect between the two shows the exit with the flag not yet
// set (seen here: exit 137, "OOMKilled": false, and the engine's "oom" event logged after). So a container
// with a memory limit that died of SIGKILL (exit 137) with the flag unset is looked up in the engine's
// event log, whose "oom" event is waited for up to a second from now; any other exit is decided by the flag.
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
	ctx, cancel := context.WithTimeout(ctx, oomEventWait+time.Second)
	defer cancel()
	res := e.Events(ctx, client.EventsListOptions{
		Since:   since.Add(-time.Second).Format(time.RFC3339Nano),
		Until:   time.Now().Add(oomEventWait).Format(time.RFC3339Nano),
		Filters: make(client.Filters).Add("type", "container").Add("container", c.ID).Add("event", "oom"),
	})
	select {
	case <-res.Messages:
		return true
	case <-res.Err: // the log ended (Until passed) with no oom event, or could not be read
		return false
	}
}
