//go:build linux

package netnsengine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/client"
)

// Events lists, one "<type> <action> <actor id>" line each, the events an engine (the machine's own
// one, say) logged between since and now that match f: a test checks with it that its work did not
// reach that engine, not even as a container that came and went.
func Events(ctx context.Context, cli *client.Client, since time.Time, f client.Filters) ([]string, error) {
	res := cli.Events(ctx, client.EventsListOptions{
		Since:   since.Add(-time.Second).Format(time.RFC3339Nano),
		Until:   time.Now().Add(time.Second).Format(time.RFC3339Nano),
		Filters: f,
	})
	var evs []string
	for {
		select {
		case m := <-res.Messages:
			evs = append(evs, fmt.Sprintf("%s %s %s", m.Type, m.Action, m.Actor.ID))
		case err := <-res.Err:
			if err != nil && !errors.Is(err, io.EOF) {
				return evs, fmt.Errorf("read the engine's events: %w", err)
			}
			return evs, nil
		}
	}
}
