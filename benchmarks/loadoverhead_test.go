package benchmarks

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// loadConcurrency is how many calls are under way at once in BenchmarkLoadOverhead.
const loadConcurrency = 64

// BenchmarkLoadOverhead compares throughput under load on one warm container, keep-alive, 64 callers at
// once (issue 16): impl=sebstest is bench.Run in warm mode at concurrency 64 with every output validated
// and every call recorded (a Recorder of its own, writing to a temporary folder: Run hands it the loop's
// calls when the loop ends, off the clock, and it is closed before the next implementation runs;
// cpu-ns/call includes that work); impl=sebstest-unrecorded
// the same without the Recorder; impl=net-http is a bare
// net/http loop, 64 goroutines calling as fast as they can; impl=wrk is wrk -t2 -c64 for a fixed time
// (skipped where wrk is not installed). One op is 64 calls in all three, and each reports calls/s. The
// target is sebstest at least 0.95 of net-http's calls/s (at most 1.05 of its ns/op). Rounds run in the
// order A B C D D C B A, turned by -sebs.rotate (see abba):
//
//	go test -c -o bench.test ./benchmarks/
//	for i in 0 1 2 3; do ./bench.test -test.run '^$' -test.bench LoadOverhead -sebs.rotate $i; done > load.txt
//	go tool benchstat -col /impl -ignore /round,/block load.txt
//	go run ./internal/cmd/paired -units calls/s,cpu-sec/call load.txt   # each process's ratio, over the processes
func BenchmarkLoadOverhead(b *testing.B) {
	fn, body, validate := sleepZero(b)
	fn.HTTPTrigger().KeepAlive = true
	defer fn.HTTPTrigger().Close()
	url := "http://" + fn.URL + "/"
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConcurrency}}
	defer hc.CloseIdleConnections()
	for range warmUpCalls {
		if err := plainPost(hc, url, body); err != nil {
			b.Fatal(err)
		}
	}
	sebstestLoad := func(b *testing.B) {
		rec, err := bench.NewRecorder(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		cpu := startCPU()
		bench.Run(b, []*sebstest.Function{fn}, bench.Spec{Mode: bench.ModeWarm, Concurrency: loadConcurrency,
			Payload: body, Validate: validate, Recorder: rec, Benchmark: "sleep", Language: "go", Size: "zero"})
		cpu.report(b, b.N*loadConcurrency)
		reportCallRate(b, b.N*loadConcurrency, b.Elapsed())
		if err := rec.Close(); err != nil {
			b.Fatal(err)
		}
	}
	plainLoad := func(b *testing.B) {
		var left atomic.Int64
		left.Store(int64(b.N) * loadConcurrency)
		var wg sync.WaitGroup
		var failed atomic.Pointer[error]
		cpu := startCPU()
		b.ResetTimer()
		for range loadConcurrency {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					if err := plainPost(hc, url, body); err != nil {
						failed.CompareAndSwap(nil, &err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		if err := failed.Load(); err != nil {
			b.Fatal(*err)
		}
		cpu.report(b, b.N*loadConcurrency)
		reportCallRate(b, b.N*loadConcurrency, b.Elapsed())
	}
	// The same without a Recorder: what recording every call costs under load.
	unrecordedLoad := func(b *testing.B) {
		cpu := startCPU()
		bench.Run(b, []*sebstest.Function{fn}, bench.Spec{Mode: bench.ModeWarm, Concurrency: loadConcurrency,
			Payload: body, Validate: validate})
		cpu.report(b, b.N*loadConcurrency)
		reportCallRate(b, b.N*loadConcurrency, b.Elapsed())
	}
	wrkLoad := func(b *testing.B) { runWrkLoad(b, url, string(body)) }
	impls := map[string]func(*testing.B){"sebstest": sebstestLoad, "sebstest-unrecorded": unrecordedLoad,
		"net-http": plainLoad, "wrk": wrkLoad}
	blocks := blockCount(b)
	// With -sebs.blocks, each block is an ABBA of its own, turned one place further than the one before
	// (as BenchmarkHarnessOverhead's blocks are): paired within each block, a process's ratio is its blocks'
	// median, which one disturbed sub-benchmark cannot move as it moves a mean.
	for blk := 1; blk <= blocks; blk++ {
		order := abba([]string{"sebstest", "sebstest-unrecorded", "net-http", "wrk"}, *rotateFlag+blk-1)
		for i, impl := range order {
			b.Run(blockName(fmt.Sprintf("conc=%d", loadConcurrency), blk, blocks, impl, i/len(impls)+1), impls[impl])
		}
	}
}

// reportCallRate reports calls/s over elapsed.
func reportCallRate(b *testing.B, calls int, elapsed time.Duration) {
	if elapsed > 0 {
		b.ReportMetric(float64(calls)/elapsed.Seconds(), "calls/s")
	}
}

// wrkSeconds is how long each wrk run drives the function.
const wrkSeconds = 3

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// runWrkLoad drives url with wrk -t2 -c64 for wrkSeconds, POSTing body, and reports its rate as calls/s
// and as ns/op (one op being loadConcurrency calls, as in the other implementations). wrk runs for a
// fixed time, whatever b.N says; with the timer running, that first run (b.N = 1) outlasts any
// benchtime below wrkSeconds, so the launcher asks for no second one.
func runWrkLoad(b *testing.B, url, body string) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("wrk is not installed (apt-get install wrk), and CI=true needs the comparison: %v", err)
		}
		b.Skipf("wrk is not installed (apt-get install wrk): %v", err)
	}
	script := filepath.Join(b.TempDir(), "post.lua")
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", body)
	if err := os.WriteFile(script, []byte(lua), 0o600); err != nil {
		b.Fatal(err)
	}
	out, err := exec.CommandContext(b.Context(), wrk, "-t2", "-c"+strconv.Itoa(loadConcurrency),
		"-d"+strconv.Itoa(wrkSeconds)+"s", "-s", script, url).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		b.Fatalf("wrk printed no Requests/sec line:\n%s", out)
	}
	rate, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil || rate <= 0 {
		b.Fatalf("wrk's rate %q: %v", m[1], err)
	}
	b.ReportMetric(rate, "calls/s")
	b.ReportMetric(loadConcurrency*1e9/rate, "ns/op")
}
