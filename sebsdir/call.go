package sebsdir

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// call sends one request and decodes the reply into resp (which embeds reply); a reply with ok false
// becomes a [*ScriptError]. A context that ends mid-call, or a driver that dies, breaks the session: the
// container is removed and every later call fails.
func (s *Session) call(ctx context.Context, req any, resp interface{ base() *reply }) error {
	return s.callFetching(ctx, req, resp, nil)
}

// Fetch reads an object from object storage for the driver (validate_output's storage argument), such
// as sebstest's Storage.Get.
type Fetch func(ctx context.Context, bucket, key string) ([]byte, error)

// callFetching is call, answering the driver's fetch requests with fetch (nil: each fails) until its reply.
func (s *Session) callFetching(ctx context.Context, req any, resp interface{ base() *reply }, fetch Fetch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	line, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("sebsdir: encode request: %w", err)
	}
	if _, err := s.conn.Conn.Write(append(line, '\n')); err != nil {
		return s.breakWith(fmt.Errorf("sebsdir: send request to the driver: %w%s", err, s.stderrNote()))
	}
	var out []byte
	for {
		if out, err = s.readLine(ctx); err != nil {
			return s.breakWith(fmt.Errorf("sebsdir: %s: no reply from the driver: %w%s", s.bench.Name, err, s.stderrNote()))
		}
		var f struct{ Op, Bucket, Key string }
		if json.Unmarshal(out, &f) != nil || f.Op != "fetch" {
			break
		}
		if err := s.answerFetch(ctx, fetch, f.Bucket, f.Key); err != nil {
			return s.breakWith(err)
		}
	}
	if err := json.Unmarshal(out, resp); err != nil {
		return s.breakWith(fmt.Errorf("sebsdir: decode the driver's reply (%w): %q", err, tail(string(out), 512)))
	}
	if r := resp.base(); !r.OK {
		return s.scriptError(*r)
	}
	return nil
}

func (r *reply) base() *reply { return r }

// answerFetch sends the driver the object it asked for, or why it cannot have it.
func (s *Session) answerFetch(ctx context.Context, fetch Fetch, bucket, key string) error {
	answer := map[string]any{"ok": false, "error": "no storage was given to this validation"}
	if fetch != nil {
		if data, err := fetch(ctx, bucket, key); err != nil {
			answer["error"] = err.Error()
		} else {
			answer = map[string]any{"ok": true, "data": data}
		}
	}
	line, err := json.Marshal(answer)
	if err != nil {
		return fmt.Errorf("sebsdir: encode the object s3://%s/%s for the driver: %w", bucket, key, err)
	}
	if _, err := s.conn.Conn.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("sebsdir: send the object s3://%s/%s to the driver: %w%s", bucket, key, err, s.stderrNote())
	}
	return nil
}

// breakWith marks the session unusable and removes its container (the driver may still be busy).
func (s *Session) breakWith(err error) error {
	s.broken = err
	go s.Close()
	return err
}

// readLine reads the driver's next reply line, giving up when ctx ends.
func (s *Session) readLine(ctx context.Context) ([]byte, error) {
	type result struct {
		line []byte
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := s.replies.ReadBytes('\n')
		ch <- result{line, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return bytes.TrimSpace(r.line), nil
	case <-ctx.Done():
		s.conn.Close() // unblocks the reader
		return nil, ctx.Err()
	}
}

// stderrNote is "; the driver's stderr: …" (its last lines, from the container's log) when it wrote any.
func (s *Session) stderrNote() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	logs, err := s.cli.ContainerLogs(ctx, s.id, client.ContainerLogsOptions{ShowStderr: true, Tail: "40"})
	if err != nil {
		return ""
	}
	defer logs.Close()
	var stderr strings.Builder
	stdcopy.StdCopy(io.Discard, &stderr, logs)
	if e := strings.TrimSpace(stderr.String()); e != "" {
		return "; the driver's stderr:\n" + tail(e, 4096)
	}
	return ""
}

// scriptError turns a failed reply into a *ScriptError for this benchmark.
func (s *Session) scriptError(r reply) error {
	return &ScriptError{Benchmark: s.bench.Name, During: r.During, Type: r.ErrorType, Message: r.Error,
		Stack: r.Stack, Service: Service(r.Service)}
}

// ScriptError is an exception raised by the benchmark's input.py (or our driver around it).
type ScriptError struct {
	Benchmark string
	// During says what the driver was doing: "loading input.py", "generate_input", "validate_output"…
	During string
	// Type and Message are the exception's class name and text; Stack its traceback.
	Type, Message, Stack string
	// Service is set when the benchmark called a storage or NoSQL function we do not provide.
	Service Service
}

// Error names the benchmark, what was running, the exception and the end of its traceback.
func (e *ScriptError) Error() string {
	msg := fmt.Sprintf("sebsdir: benchmark %s: %s raised %s: %s", e.Benchmark, e.During, e.Type, e.Message)
	if e.Stack != "" && e.Service == "" {
		msg += "\n" + tail(strings.TrimRight(e.Stack, "\n"), 1536)
	}
	return msg
}

// Is matches [ErrNeedsStorage] or [ErrNeedsNoSQL] when the benchmark asked for that service.
func (e *ScriptError) Is(target error) bool {
	return (target == ErrNeedsStorage && e.Service == ObjectStorage) || (target == ErrNeedsNoSQL && e.Service == NoSQL)
}
