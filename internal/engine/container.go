package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// ShortID is the 12-character form of a container or image ID, as docker ps shows it.
func ShortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Remove force-removes a container with its anonymous volumes; a container that is already gone is not
// an error.
func (e *Engine) Remove(ctx context.Context, id string) error {
	_, err := e.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !IsGone(err) {
		return fmt.Errorf("remove container %s: %w", ShortID(id), err)
	}
	return nil
}

// IsGone reports whether err says the container does not exist (any more) or is already being removed.
func IsGone(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "no such container") || strings.Contains(msg, "not found") ||
		strings.Contains(msg, "already in progress") || strings.Contains(msg, "is not running")
}

// OnlyGone reports whether err is nil or says only that the container is gone: every error joined in it
// (errors.Join, as testcontainers' Terminate returns them) is nil or one [IsGone] recognises.
func OnlyGone(err error) bool {
	if err == nil {
		return true
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if !OnlyGone(e) {
				return false
			}
		}
		return true
	}
	return IsGone(err)
}

// LogTail returns up to n last lines of a container's stdout and stderr.
func (e *Engine) LogTail(ctx context.Context, id string, n int) ([]string, error) {
	rc, err := e.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: strconv.Itoa(n)})
	if err != nil {
		return nil, fmt.Errorf("read logs of container %s: %w", ShortID(id), err)
	}
	defer rc.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, io.LimitReader(rc, 1<<20)); err != nil {
		return nil, fmt.Errorf("read logs of container %s: %w", ShortID(id), err)
	}
	text := strings.TrimRight(out.String(), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}
