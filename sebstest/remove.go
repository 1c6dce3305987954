package sebstest

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// labelPrefix starts every label key this package owns; users' labels may not use it.
const labelPrefix = "dev.gosebs."

// LabelFunction names the function a container runs.
const LabelFunction = "dev.gosebs.function"

// testcontainersStopNow is the terminate option for removing a function at once: functions hold no
// state worth a grace period, and a stop that waits is time a benchmark does not measure.
func testcontainersStopNow() []testcontainers.TerminateOption {
	return []testcontainers.TerminateOption{testcontainers.StopTimeout(0)}
}

// removeByID force-removes a container by ID; a container that is already gone is not an error.
func removeByID(ctx context.Context, cli *client.Client, id string) error {
	_, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !isGone(err) {
		return fmt.Errorf("remove container %s: %w", shortID(id), err)
	}
	return nil
}

// isGone reports whether err says the container does not exist (any more) or is already being removed.
func isGone(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "no such container") || strings.Contains(msg, "not found") ||
		strings.Contains(msg, "already in progress") || strings.Contains(msg, "is not running")
}
