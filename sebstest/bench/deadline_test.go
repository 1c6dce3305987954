package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// TestCallDeadlineBoundsEachCall runs calls under one callDeadline against a server that answers or hangs,
// with the trigger's own timeout far longer: the call that hangs must end at the callDeadline's timeout as a
// timeout (sebs.ErrTimeout, as the trigger's own timeout context would report it), and the calls after it
// must work, each with its own deadline.
func TestCallDeadlineBoundsEachCall(t *testing.T) {
	hang := make(chan struct{})
	release := make(chan struct{})
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hang") != "" {
			close(hang)
			<-release
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"begin":1,"end":2,"is_cold":false,"request_id":"r%d","result":{"output":{}}}`, n.Add(1))
	}))
	defer srv.Close()
	defer close(release)

	const timeout = 200 * time.Millisecond
	ok := sebs.NewHTTPTrigger(srv.URL)
	ok.KeepAlive = true
	ok.Timeout = time.Hour // the trigger's own bound: far later than the callDeadline's
	defer ok.Close()
	slow := sebs.NewHTTPTrigger(srv.URL + "/?hang=1")
	slow.Timeout = time.Hour
	defer slow.Close()

	// The parent's deadline ends the test's calls, were the callDeadline's timer not to.
	parent, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	dl := newCallDeadline(parent, timeout)
	defer dl.close()
	var ctx context.Context
	call := func(tr *sebs.HTTPTrigger) (time.Duration, error) {
		ctx = dl.begin()
		d, has := ctx.Deadline()
		if left := time.Until(d); !has || left > timeout || left < timeout/2 {
			t.Errorf("call context's deadline is %v away (set: %t), want about %v", left, has, timeout)
		}
		began := time.Now()
		_, err := tr.Invoke(ctx, nil)
		dl.end()
		return time.Since(began), err
	}
	if _, err := call(ok); err != nil {
		t.Fatalf("first call: %v", err)
	}
	took, err := call(slow)
	<-hang
	if !errors.Is(err, sebs.ErrTimeout) || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the hanging call returned %v, its context says %v; want a sebs.ErrTimeout and context.DeadlineExceeded", err, ctx.Err())
	}
	if took < timeout || took > 2*time.Second {
		t.Errorf("the hanging call ended after %v, want the callDeadline's %v", took, timeout)
	}
	for i := range 3 {
		if _, err := call(ok); err != nil {
			t.Fatalf("call %d after the timeout: %v", i, err)
		}
	}
}

// TestCallDeadlineContext checks the context a call is made under: the caller's own (a child of the parent,
// canceled at close), with no deadline when there is no timeout, and the parent's cancellation as its error.
func TestCallDeadlineContext(t *testing.T) {
	parent, cancel := context.WithCancel(t.Context())
	dl := newCallDeadline(parent, 0)
	ctx := dl.begin()
	if _, has := ctx.Deadline(); has {
		t.Error("a call without a timeout has a deadline")
	}
	dl.end()
	if ctx == parent {
		t.Error("the calls run under the parent itself, not the caller's own context")
	}
	dl.close()
	if ctx.Err() == nil {
		t.Error("the caller's context is still live after close")
	}

	dl = newCallDeadline(parent, time.Minute)
	defer dl.close()
	ctx = dl.begin()
	cancel()
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("after the parent's cancel, the call's context says %v, want context.Canceled", ctx.Err())
	}
	dl.end()
}
