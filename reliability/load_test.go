package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// Load shape: the 20,000 invocations at concurrency 64 over 4 containers, per connection mode.
const (
	loadContainers  = 4
	loadConcurrency = 64
	defaultCalls    = 20000
	// fdSlack is how many more open descriptors than at the baseline are tolerated after a load: none.
	// Every connection the load opened must be closed once the triggers are closed.
	fdSlack = 0
)

// loadPayload is the sleep fixture's event, encoded once: the load measures calls, not JSON encoding.
var loadPayload = json.RawMessage(`{"sleep":0}`)

// loadMode is one way of connecting.
type loadMode struct {
	name      string
	keepAlive bool
}

var loadModes = []loadMode{{"keep-alive", true}, {"fresh", false}}

// modeReport is what one mode measured, for the log and SEBS_LOAD_REPORT.
type modeReport struct {
	Mode           string  `json:"mode"`
	Calls          int64   `json:"calls"`
	Seconds        float64 `json:"seconds"`
	OursPerSecond  float64 `json:"ours_per_second"`
	Reused         int64   `json:"connections_reused"`
	WrkRequests    int64   `json:"wrk_requests,omitempty"`
	WrkPerSecond   float64 `json:"wrk_per_second,omitempty"`
	WrkSocketError string  `json:"wrk_socket_errors,omitempty"`
}

// loadReport is the whole run's figures.
type loadReport struct {
	Containers  int          `json:"containers"`
	Concurrency int          `json:"concurrency"`
	Calls       int64        `json:"calls_per_mode"`
	WrkDuration string       `json:"wrk_duration"`
	Modes       []modeReport `json:"modes"`
}

// TestLoad runs SEBS_LOAD_CALLS (default 20,000) invocations at concurrency 64, round-robin over 4 sleep
// containers, once with kept-alive and once with fresh connections. Every call must succeed; afterwards
// the goroutines and open file descriptors must be back at their baseline. In the same run, wrk drives
// the same containers with the same concurrency, and both rates are logged (and written to the file
// SEBS_LOAD_REPORT names, if set).
func TestLoad(t *testing.T) {
	calls := int64(envInt(t, "SEBS_LOAD_CALLS", defaultCalls))
	limit := time.Duration(envInt(t, "SEBS_LOAD_DEADLINE_S", 180)) * time.Second
	wrkFor := time.Duration(envInt(t, "SEBS_WRK_SECONDS", 1)) * time.Second
	fns := make([]*sebstest.Function, loadContainers)
	for i := range fns {
		fns[i] = sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo))
	}
	rep := loadReport{Containers: loadContainers, Concurrency: loadConcurrency, Calls: calls, WrkDuration: wrkFor.String()}
	for _, mode := range loadModes {
		t.Run(mode.name, func(t *testing.T) {
			mr := modeReport{Mode: mode.name, Calls: calls}
			loadOurs(t, fns, mode, calls, limit, &mr)
			loadWrk(t, fns, mode, wrkFor, &mr)
			rep.Modes = append(rep.Modes, mr)
			t.Logf("%s: ours %.0f calls/s (%d calls in %.2fs, %d on reused connections); wrk %.0f requests/s (%d in %v)",
				mode.name, mr.OursPerSecond, mr.Calls, mr.Seconds, mr.Reused, mr.WrkPerSecond, mr.WrkRequests, wrkFor)
		})
	}
	if path := os.Getenv("SEBS_LOAD_REPORT"); path != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Errorf("write SEBS_LOAD_REPORT: %v", err)
		}
	}
}

// loadOurs drives the functions through their HTTP triggers and checks nothing failed or leaked.
func loadOurs(t *testing.T, fns []*sebstest.Function, mode loadMode, calls int64, limit time.Duration, mr *modeReport) {
	for _, f := range fns {
		f.HTTPTrigger().Close()
		f.HTTPTrigger().KeepAlive = mode.keepAlive
	}
	baseGoroutines, baseFDs := runtime.NumGoroutine(), openFDs(t)
	leakBase := goleak.IgnoreCurrent()

	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var (
		next, ok, reused atomic.Int64
		errMu            sync.Mutex
		errs             []error
		wg               sync.WaitGroup
	)
	began := time.Now()
	for range loadConcurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= calls {
					return
				}
				res, err := fns[i%loadContainers].Invoke(ctx, loadPayload)
				if err == nil && res.RequestID == "" {
					err = fmt.Errorf("call %d: result without request id", i)
				}
				if err != nil {
					errMu.Lock()
					errs = append(errs, err)
					errMu.Unlock()
					continue
				}
				ok.Add(1)
				if res.Detail != nil && res.Detail.ConnectionReused {
					reused.Add(1)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(began)
	mr.Seconds, mr.Reused = took.Seconds(), reused.Load()
	mr.OursPerSecond = float64(ok.Load()) / took.Seconds()

	if len(errs) > 0 {
		t.Errorf("%d of %d calls failed; first: %v", len(errs), calls, errs[0])
	}
	if ok.Load() != calls {
		t.Errorf("%d of %d calls succeeded within %v (raise SEBS_LOAD_DEADLINE_S?)", ok.Load(), calls, limit)
	}
	switch {
	case !mode.keepAlive && reused.Load() != 0:
		t.Errorf("fresh-connection mode reused a connection %d times", reused.Load())
	case mode.keepAlive && reused.Load() < ok.Load()*9/10:
		t.Errorf("keep-alive mode reused connections on only %d of %d calls", reused.Load(), ok.Load())
	}

	for _, f := range fns {
		f.HTTPTrigger().Close()
	}
	if err := poll(10*time.Second, "goroutines back to the baseline", func() (bool, error) {
		return runtime.NumGoroutine() <= baseGoroutines, nil
	}); err != nil {
		t.Errorf("%v: %d goroutines, %d before the load", err, runtime.NumGoroutine(), baseGoroutines)
	}
	var fds int
	if err := poll(10*time.Second, "open file descriptors back to the baseline", func() (bool, error) {
		fds = openFDs(t)
		return fds <= baseFDs+fdSlack, nil
	}); err != nil {
		t.Errorf("%v: %d open, %d before the load", err, fds, baseFDs)
	}
	goleak.VerifyNone(t, leakBase,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

// loadWrk drives the same functions with wrk, one process per container with an equal share of the
// connections, for d. Without wrk the comparison is skipped, or fails under CI=true.
func loadWrk(t *testing.T, fns []*sebstest.Function, mode loadMode, d time.Duration, mr *modeReport) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("wrk is not installed (apt-get install wrk), and CI=true needs the comparison: %v", err)
		}
		t.Skipf("wrk is not installed (apt-get install wrk); comparison skipped: %v", err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "post.lua"))
	if err != nil {
		t.Fatal(err)
	}
	urls := make([]string, len(fns))
	for i, f := range fns {
		if urls[i], err = f.HTTPTrigger().Endpoint(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	r, err := runWrk(ctx, wrk, script, urls, loadConcurrency/len(fns), d, !mode.keepAlive)
	if err != nil {
		t.Fatal(err)
	}
	mr.WrkRequests, mr.WrkPerSecond, mr.WrkSocketError = r.Requests, r.PerSecond, r.SocketErrors
	if r.Non2xx > 0 {
		t.Errorf("wrk got %d responses that were not 2xx", r.Non2xx)
	}
	if r.Requests == 0 {
		t.Errorf("wrk made no request")
	}
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open file descriptors here: %v", err)
	}
	return len(ents)
}

// envInt reads a positive integer from the environment, or returns def when it is unset.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
