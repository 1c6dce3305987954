package serve

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// closeNotifier tells when Serve closes the listener, which is the first thing a graceful shutdown does.
type closeNotifier struct {
	net.Listener
	once   sync.Once
	closed chan struct{}
}

func (l *closeNotifier) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	s := NewServer(func(ctx context.Context, _ json.RawMessage) (any, error) {
		close(entered)
		<-release
		return "finished", ctx.Err() // ctx must still be live: shutdown does not cancel in-flight calls
	})
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &closeNotifier{Listener: inner, closed: make(chan struct{})}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, s) }()

	type answer struct {
		code int
		body string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+inner.Addr().String()+"/", "application/json", strings.NewReader(`{}`))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()

	<-entered
	stop()      // SIGTERM arrives while the call is in flight
	<-ln.closed // shutdown has begun: no new connections
	close(release)

	a := <-answered
	if a.err != nil || a.code != http.StatusOK || !strings.Contains(a.body, `"output":"finished"`) {
		t.Fatalf("in-flight call during shutdown = %d %q %v, want 200 with its output", a.code, a.body, a.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after graceful shutdown = %v, want nil", err)
	}
	if _, err := net.Dial("tcp", inner.Addr().String()); err == nil {
		t.Error("listener still accepts connections after shutdown")
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	h := NewServer(func(context.Context, json.RawMessage) (any, error) { return nil, nil })
	err := ListenAndServe(context.Background(), "127.0.0.1:-1", h)
	if err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("ListenAndServe on a bad address = %v, want a listen error", err)
	}
}
