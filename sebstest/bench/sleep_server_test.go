package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs/fixtures"
)

// sleepServer starts an in-process server that answers as the Go sleep fixture does, numbering its calls
// from 1 in their request IDs with calls, and closes it when tb ends: a function with no container, for
// tests and benchmarks about what happens in the test process.
func sleepServer(tb testing.TB, calls *atomic.Int64) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		now := float64(time.Now().UnixMicro()) / 1e6
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"begin":%.6f,"end":%.6f,"is_cold":false,"request_id":"req-%d","container_id":"c0ffee","handler_ns":3512,"result":{"output":{"result":0}}}`,
			now, now, calls.Add(1))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// sleepZeroCall returns sleepZero as a request body, with the sleep fixture's own validator for its output
// (the benchmarks use the validator bench.Run's users get, not the tests' sleepValid).
func sleepZeroCall(tb testing.TB) ([]byte, func(json.RawMessage) error) {
	tb.Helper()
	bm, err := fixtures.Lookup("sleep")
	if err != nil {
		tb.Fatal(err)
	}
	body, err := json.Marshal(sleepZero)
	if err != nil {
		tb.Fatal(err)
	}
	return body, bm.Validator(sleepZero)
}
