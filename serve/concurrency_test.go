package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestConcurrentCalls: two calls are both inside the handler before either returns, over real HTTP.
func TestConcurrentCalls(t *testing.T) {
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	s := NewServer(func(ctx context.Context, _ json.RawMessage) (any, error) {
		entered <- struct{}{}
		select {
		case <-release:
			return "done", nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	ts := httptest.NewServer(s)
	defer ts.Close()

	results := make(chan error, 2)
	for range 2 {
		go func() {
			resp, err := ts.Client().Post(ts.URL, "application/json", strings.NewReader(`{}`))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = &statusError{resp.StatusCode}
				}
			}
			results <- err
		}()
	}
	<-entered
	<-entered // both handlers are running at once: a serial server would block here forever
	close(release)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "unexpected status " + http.StatusText(e.code) }
