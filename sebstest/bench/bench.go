// Package bench runs go test -bench over function containers started by package sebstest, in the
// experiment types of upstream SeBS's perf-cost experiment ([ModeWarm], [ModeCold], [ModeBurst],
// [ModeSequential]), reports honest per-call and per-start metrics, and records every call to result files
// ([Recorder]: samples.jsonl, upstream's experiments.json and perf-cost/result.csv).
//
// Metric units: Go's ns/op is one iteration; metrics that average over calls carry /call
// (client-ns/call, http-startup-ns/call, first-byte-ns/call, server-ns/call), the cold start metric
// /start (coldstart-ns/start); p50-client-ns, p95-client-ns and p99-client-ns are percentiles over calls,
// peak-mem-B a peak, and cold-excluded a count per run. Functions whose results carry provider times and
// billing (AWS Lambda functions under the emulator, sebstest.LambdaFunction) add provider-exec-ns/call,
// billed-gb-s/call and, for cold calls, init-ns/start. See [Run].
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// Mode is how [Run] invokes functions: one of the experiment types of upstream SeBS's perf-cost
// experiment.
type Mode string

const (
	// ModeWarm invokes one function Concurrency times at once per iteration. Cold samples (the first call
	// a fresh container serves) are excluded from the time metrics and counted in cold-excluded.
	ModeWarm Mode = "warm"
	// ModeCold forces a cold start before every call (Function.ColdInvoke) and fails the benchmark when a
	// call does not report is_cold. The timed iteration is the cold start plus the call.
	ModeCold Mode = "cold"
	// ModeBurst cold-starts N functions at once (one per concurrent call) before every iteration, then
	// invokes all N at once, failing the benchmark when a call does not report is_cold. The timed
	// iteration is the cold starts plus the calls.
	ModeBurst Mode = "burst"
	// ModeSequential makes one discarded warm-up call before the loop, then one call per iteration.
	ModeSequential Mode = "sequential"
)

// Modes lists the modes in upstream's order.
func Modes() []Mode { return []Mode{ModeCold, ModeWarm, ModeBurst, ModeSequential} }

// ParseMode returns the mode named s, case and surrounding space ignored: "Warm" is [ModeWarm]. Any
// other name is an error.
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Modes() {
		if m == known {
			return m, nil
		}
	}
	return "", fmt.Errorf("bench: unknown mode %q: use cold, warm, burst or sequential", s)
}

// Spec says how [Run] invokes the functions, what it checks and how it labels what it records.
type Spec struct {
	// Mode is the experiment type, parsed once by [ParseMode] (so "Warm" is ModeWarm); the zero value means
	// ModeWarm.
	Mode Mode
	// Concurrency is the number of calls under way at once. In ModeWarm (0 means 1) that many callers
	// each call again as soon as their call returns, as a load generator does, and an iteration is that
	// many calls; in ModeBurst (0 means one per function; any other value must equal the number of
	// functions) each iteration cold-starts the functions and calls each once, at once. ModeCold and
	// ModeSequential make one call at a time and accept only 0 or 1.
	Concurrency int
	// Payload is the event every call sends. It is JSON-encoded once, before the loop; []byte and
	// json.RawMessage are sent as they are.
	Payload any
	// Validate checks a call's handler output (see [sebs.ExecutionResult.HandlerOutput]); a failed check fails the benchmark.
	// Nil means no check. With Concurrency above 1 in ModeWarm, each caller validates its own calls, so
	// Validate must be safe for concurrent use.
	Validate func(output json.RawMessage) error

	// Benchmark, Language and Size label the samples and results written by Recorder, e.g. "sleep",
	// "go", "test". Empty labels are written empty.
	Benchmark, Language, Size string
	// Recorder receives every call; nil records nothing. The calls of the timed loop are handed to it when
	// the loop ends, with the timer stopped (or, in a long loop, every 32 MB of them, about 50,000 calls of
	// the Go sleep fixture), so that writing them costs the loop nothing; a process killed during a loop
	// loses its calls.
	Recorder *Recorder
}

// Run runs the loop of a benchmark over fns with b.Loop and reports, after the loop, the metrics below
// with b.ReportMetric. Every call's output is validated; an invocation error or a failed validation fails
// the benchmark at once, with the error.
//
// ModeWarm, ModeCold and ModeSequential invoke fns[0] and ignore the others; ModeBurst invokes each of
// fns once per iteration, so it needs as many functions as concurrent calls. Cold starts replace (or
// restart) the containers of fns, which Run leaves running. In ModeCold and ModeBurst the old containers'
// removal is off the clock (the timer stops around [sebstest.Function.Retire]): an iteration times the
// new containers' create, start and readiness and the calls.
//
// Metrics, computed from the recorded calls (in ModeWarm: the warm ones) after the loop. Go's ns/op is one
// iteration: one call (ModeWarm at concurrency 1, ModeSequential), Concurrency calls (ModeWarm
// at higher concurrency, its callers never waiting for each other), or cold starts plus calls (ModeCold, ModeBurst). Per-call metrics are means over
// calls, not iterations, and say so in their unit:
//
//	client-ns/call        mean client time per call (the whole HTTP call, as the client saw it)
//	http-startup-ns/call  mean time until the connection was ready (curl's PRETRANSFER)
//	first-byte-ns/call    mean time to the first response byte (curl's STARTTRANSFER)
//	server-ns/call        mean handler time reported by the function (handler_ns, else end-begin)
//	p50-client-ns, p95-client-ns, p99-client-ns
//	                      client-time percentiles over calls, by nearest rank on the sorted samples: the
//	                      sample at rank ceil(p/100 × n), 1-based
//	coldstart-ns/start    ModeCold, ModeBurst: mean container cold start (create + start + ready) per start
//	peak-mem-B            the largest container memory sample taken during the loop, when the function
//	                      samples memory (sebstest.WithMemorySampling)
//	cold-excluded         ModeWarm: the number of cold calls left out of every other metric, a count per
//	                      run (not divided by b.N): a diagnostic, not comparable across runs
//
// When the results carry provider times and billing (a Lambda function's REPORT lines), over the same calls:
//
//	provider-exec-ns/call the platform's mean execution time per call (Lambda's Duration)
//	billed-gb-s/call      mean GB-seconds billed per call (billed s × memory GiB, as upstream computes them)
//	init-ns/start         the platform's mean initialization per cold call (Init Duration): ModeCold, ModeBurst
//
// With b.Loop a cold iteration costs about half a second here, so the default -benchtime=1s gives two or
// three of them; use -benchtime=Nx for a fixed count.
func Run(b *testing.B, fns []*sebstest.Function, spec Spec) {
	b.Helper()
	if err := spec.Recorder.checkOpen(); err != nil {
		b.Fatal(err)
	}
	bn, err := newBencher(b, fns, spec)
	if err != nil {
		b.Fatal(err)
	}
	// A loop that a b.Fatal ends (a Validate's, where Validate runs in the benchmark's goroutine: one call at
	// a time, cold and burst modes) still writes its calls.
	ended := false
	defer func() {
		if !ended {
			if err := bn.recordLoop(); err != nil {
				b.Error(err)
			}
		}
	}()
	err = bn.run()
	ended = true
	// The loop has stopped the timer: the calls it logged go to the Recorder off the clock, and before a
	// failure is reported, so that the calls made before it are in the files.
	if rerr := bn.recordLoop(); err == nil {
		err = rerr
	}
	if err != nil {
		b.Fatal(err)
	}
	bn.report()
}

// bencher is the state of one Run call.
type bencher struct {
	b    *testing.B
	ctx  context.Context
	fns  []*sebstest.Function
	spec Spec
	conc int
	body json.RawMessage

	mu           sync.Mutex // guards tally and provider while concurrent callers finish their calls
	tally        tally      // the calls' figures, summed as they finish (tally.go)
	loopBegin    time.Time
	loopEnd      time.Time
	coldExcluded int
	provider     providerTotals // provider-side figures, when results have them (lambda_metrics.go)
	log          callLog        // the calls for the Recorder, until the loop ends (call_log.go); guarded by mu
	replaying    sync.Mutex     // held by the caller replaying a full log, taken under mu (finish)
}

func newBencher(b *testing.B, fns []*sebstest.Function, spec Spec) (*bencher, error) {
	if spec.Mode == "" {
		spec.Mode = ModeWarm
	}
	mode, err := ParseMode(string(spec.Mode))
	if err != nil {
		return nil, err
	}
	spec.Mode = mode // parsed once: everything below sees the canonical name
	if len(fns) == 0 {
		return nil, fmt.Errorf("bench: %s mode: no function given; pass at least one *Function", spec.Mode)
	}
	for i, fn := range fns {
		if fn == nil {
			return nil, fmt.Errorf("bench: %s mode: function %d is nil", spec.Mode, i)
		}
	}
	conc := spec.Concurrency
	switch spec.Mode {
	case ModeWarm:
		conc = max(conc, 1)
	case ModeBurst:
		if conc == 0 {
			conc = len(fns)
		}
		if conc != len(fns) {
			return nil, fmt.Errorf("bench: burst mode: concurrency %d needs %d functions, got %d; start one function per concurrent call",
				conc, conc, len(fns))
		}
	default:
		if conc > 1 {
			return nil, fmt.Errorf("bench: %s mode makes one call at a time; concurrency %d is not allowed", spec.Mode, conc)
		}
		conc = 1
	}
	body, err := sebs.EncodePayload(spec.Payload)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	spec.Recorder.noteConcurrency(conc)
	return &bencher{
		b: b, ctx: b.Context(), fns: fns, spec: spec, conc: conc, body: body,
	}, nil
}
