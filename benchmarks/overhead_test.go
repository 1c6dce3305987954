package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// warmUpCalls is how many calls in each connection mode and path warm a container up before anything
// is measured.
const warmUpCalls = 500

// BenchmarkHarnessOverhead measures what the harness costs per call: bench.Run in warm mode (one
// call at a time, every output validated, every sample kept) against a plain net/http loop posting the
// same body to the same warm container, in the same run, with the same connection mode. The targets
// (issue 16): ns/op of impl=sebstest and impl=trigger within 1.02 of impl=net-http, fresh and keep-alive.
// impl=trigger, a plain loop over a sebs.HTTPTrigger, splits that cost between the trigger (kernel
// stamps, its httptrace hooks and JSON decoding) and Bench.
//
// path=bridge addresses the container on its own bridge address (what sebstest uses on a local Linux
// engine); path=published the same container on its port published on 127.0.0.1, through Docker's
// userland proxy (the fallback, sebstest.WithPublishedPort). Where the function is not on a bridge
// address (another OS, a remote engine) only path=published runs.
//
// Each runs twice, in the order A B C C B A (round=1, round=2), turned by -sebs.rotate; pool the rounds and
// repeat the process with the next turn, since a busy machine drifts (make bench-fidelity does):
//
//	go test -c -o bench.test ./benchmarks/
//	for i in 0 1 2 3 4 5; do ./bench.test -test.run '^$' -test.bench HarnessOverhead -sebs.rotate $i; done > overhead.txt
//	go tool benchstat -col /impl -ignore /round overhead.txt
//	go tool benchstat -filter '/impl:trigger' -col /path -ignore /round overhead.txt
//	go run ./internal/cmd/paired -units sec/op overhead.txt   # each process's ratio to net-http, over the processes
//
// A machine that drifts within seconds moves a 1-second sub-benchmark more than the harness does. With
// -sebs.blocks N and a fixed count of calls per sub-benchmark (-test.benchtime 400x), the process runs N
// blocks one after another, each named /block=k/: every path and connection mode as a short ABBA, turned
// one place further than in the block before (N a multiple of 3 gives each order equally often). paired
// pairs the implementations within each block and takes each process's median over its blocks, so each
// ratio compares calls made within a second or so of each other (make bench-fidelity does; benchstat then
// needs -ignore /round,/block).
//
// The payload sleeps 0 s, so the call is as short as it gets and the harness's share as large as it gets.
// Memory sampling is off, as it is by default outside this suite.
func BenchmarkHarnessOverhead(b *testing.B) {
	blocks := blockCount(b)
	// Published, so that both paths reach the one container: sebstest invokes a container on its bridge
	// address without publishing its port (issue 16), and addressPaths finds that address itself.
	fn, body, validate := sleepZero(b, sebstest.WithPublishedPort())
	paths := addressPaths(b, fn)
	// Warm up: the first few hundred calls after a container starts are slower (measured: the first
	// sub-benchmark of a process ran 15% slower than the same one a round later), which would otherwise
	// weigh on whichever implementation runs first. The first call also takes the cold start away.
	for _, p := range paths {
		fn.LocalFunction.MoveTo(fn.ContainerID(), p.url, p.port)
		for _, keep := range []bool{false, true} {
			fn.HTTPTrigger().KeepAlive = keep
			for range warmUpCalls {
				if _, err := fn.Invoke(context.Background(), body); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	fn.HTTPTrigger().Close()
	// With -sebs.blocks, each block runs every path and connection mode, so that a block's sub-benchmarks,
	// of both paths, run within seconds of each other.
	for blk := 1; blk <= blocks; blk++ {
		for _, p := range paths {
			// The function moves to the path's address for its sub-benchmarks (the container stays the
			// same); its results' detail.address keeps saying how sebstest reached it at start.
			fn.LocalFunction.MoveTo(fn.ContainerID(), p.url, p.port)
			for _, keep := range []bool{false, true} {
				conn := "conn=fresh"
				if keep {
					conn = "conn=keepalive"
				}
				impls := map[string]func(*testing.B){
					"sebstest": harnessLoop(fn, keep, body, validate),
					"trigger":  triggerLoop(p.url, keep, fn.HTTPTrigger().Timeout, body),
					"net-http": plainLoop("http://"+p.url+"/", keep, body),
				}
				// ABBA, turned by -sebs.rotate: the second round runs the trio in the other order, so a
				// drift of the machine during the run weighs on all alike (see abba). Each block is an ABBA
				// of its own, turned one place further than the one before.
				for i, impl := range abba([]string{"sebstest", "trigger", "net-http"}, *rotateFlag+blk-1) {
					b.Run(blockName("path="+p.name+"/"+conn, blk, blocks, impl, i/3+1), impls[impl])
				}
			}
		}
	}
}

// sleepZero starts the Go sleep fixture (with more options) for an overhead benchmark and returns it with
// the body of a zero-second sleep and the fixture's validator for its output.
func sleepZero(b *testing.B, more ...testcontainers.ContainerCustomizer) (*sebstest.Function, []byte, func(json.RawMessage) error) {
	sebstest.RequireDocker(b)
	bm, err := fixtures.Lookup("sleep")
	if err != nil {
		b.Fatal(err)
	}
	input := map[string]any{"sleep": 0}
	body, err := json.Marshal(input)
	if err != nil {
		b.Fatal(err)
	}
	fn := startFunction(b, bm, "go", config{}, more...)
	return fn, body, bm.Validator(input)
}

// harnessLoop is bench.Run in warm mode over fn, one call at a time.
func harnessLoop(fn *sebstest.Function, keep bool, body []byte, validate func(json.RawMessage) error) func(b *testing.B) {
	return func(b *testing.B) {
		fn.HTTPTrigger().KeepAlive = keep
		defer fn.HTTPTrigger().Close()
		cpu := startCPU()
		bench.Run(b, []*sebstest.Function{fn}, bench.Spec{Mode: bench.ModeWarm, Payload: body, Validate: validate})
		cpu.report(b, b.N)
	}
}

// triggerLoop is a plain loop over a sebs.HTTPTrigger for url, with the timeout a function's own trigger
// has (its configured timeout), so that it dials as that trigger does.
func triggerLoop(url string, keep bool, timeout time.Duration, body []byte) func(b *testing.B) {
	return func(b *testing.B) {
		tr := sebs.NewHTTPTrigger(url)
		tr.KeepAlive, tr.Timeout = keep, timeout
		defer tr.Close()
		ctx := b.Context()
		var calls callTimes
		cpu := startCPU()
		for b.Loop() {
			began := time.Now()
			if _, err := tr.Invoke(ctx, body); err != nil {
				b.Fatal(err)
			}
			calls.add(began)
		}
		cpu.report(b, b.N)
		calls.report(b)
	}
}

// plainLoop is a plain net/http loop posting body to url.
func plainLoop(url string, keep bool, body []byte) func(b *testing.B) {
	return func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: !keep}}
		defer hc.CloseIdleConnections()
		var calls callTimes
		cpu := startCPU()
		for b.Loop() {
			began := time.Now()
			if err := plainPost(hc, url, body); err != nil {
				b.Fatal(err)
			}
			calls.add(began)
		}
		cpu.report(b, b.N)
		calls.report(b)
	}
}

// callTimes keeps each call's duration as the caller saw it, for a median that a busy machine's outliers
// do not move as they move the mean (ns/op). bench.Run reports the same for impl=sebstest as
// p50-client-ns (the trigger's own client time).
type callTimes []time.Duration

// add notes a call that began at began and has just ended.
func (c *callTimes) add(began time.Time) { *c = append(*c, time.Since(began)) }

// report reports the median call as p50-call-ns.
func (c callTimes) report(b *testing.B) {
	if len(c) == 0 {
		return
	}
	slices.Sort(c)
	b.ReportMetric(float64(c[len(c)/2]), "p50-call-ns")
}

// addressPath is one way to reach a function's container.
type addressPath struct {
	name string // "bridge" or "published", as in sebs.Detail.Address
	url  string // host:port
	port int
}

// addressPaths returns the ways fn's container (started with its port published) can be reached: its
// bridge address, where sebstest would use it (a local engine on Linux) and a connect reaches it from here
// (not with rootless Docker or Docker Desktop), and its published port.
func addressPaths(b *testing.B, fn *sebstest.Function) []addressPath {
	b.Helper()
	ctx := context.Background()
	eng, err := engine.Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var paths []addressPath
	if runtime.GOOS == "linux" && eng.Local() {
		for _, ep := range res.Container.NetworkSettings.Networks {
			if ep == nil || !ep.IPAddress.Is4() {
				continue
			}
			addr := net.JoinHostPort(ep.IPAddress.String(), "9000")
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				_ = c.Close()
				paths = append(paths, addressPath{name: "bridge", url: addr, port: 9000})
				break
			}
		}
	}
	for _, pb := range res.Container.NetworkSettings.Ports[network.MustParsePort("9000/tcp")] {
		port, err := strconv.Atoi(pb.HostPort)
		if err == nil && port > 0 {
			host := eng.Endpoint().Host
			return append(paths, addressPath{name: "published", url: net.JoinHostPort(host, pb.HostPort), port: port})
		}
	}
	b.Fatalf("container %s publishes no port for 9000/tcp", fn.ContainerID())
	return nil
}

// plainPost is the baseline: the least a hand-written client does to get a function's result: one POST,
// the status checked, the JSON answer decoded into a map (as the root package's BenchmarkNetHTTP does).
func plainPost(hc *http.Client, url string, body []byte) error {
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{resp.StatusCode}
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "plain POST: HTTP status " + strconv.Itoa(e.code) }
