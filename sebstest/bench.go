package sebstest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// Mode is how [Bench] invokes functions: one of the experiment types of upstream SeBS's perf-cost
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

// ParseMode returns the mode named s (case and surrounding space ignored).
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Modes() {
		if m == known {
			return m, nil
		}
	}
	return "", fmt.Errorf("sebstest: unknown benchmark mode %q: use cold, warm, burst or sequential", s)
}

// BenchSpec says how [Bench] invokes the functions, what it checks and how it labels what it records.
type BenchSpec struct {
	// Mode is the experiment type; the zero value means ModeWarm.
	Mode Mode
	// Concurrency is the number of calls made at once per iteration in ModeWarm (0 means 1) and in
	// ModeBurst (0 means one per function; any other value must equal the number of functions). ModeCold
	// and ModeSequential make one call at a time and accept only 0 or 1.
	Concurrency int
	// Payload is the event every call sends. It is JSON-encoded once, before the loop; []byte and
	// json.RawMessage are sent as they are.
	Payload any
	// Validate checks a call's handler output (see [HandlerOutput]); a failed check fails the benchmark.
	// Nil means no check.
	Validate func(output json.RawMessage) error

	// Benchmark, Language and Size label the samples and results written by Recorder, e.g. "sleep",
	// "go", "test". Empty labels are written empty.
	Benchmark, Language, Size string
	// Recorder receives every call as it completes; nil records nothing.
	Recorder *Recorder
}

// Bench runs the loop of a benchmark over fns with b.Loop and reports, after the loop, the metrics below
// with b.ReportMetric. Every call's output is validated; an invocation error or a failed validation fails
// the benchmark at once, with the error.
//
// ModeWarm, ModeCold and ModeSequential invoke fns[0] and ignore the others; ModeBurst invokes each of
// fns once per iteration, so it needs as many functions as concurrent calls. Cold starts replace (or
// restart) the containers of fns, which Bench leaves running.
//
// Metrics, all computed from the recorded calls (in ModeWarm: the warm ones) after the loop. "Per call"
// metrics divide by the number of calls, which is the number of iterations times the concurrency:
//
//	client-ns/op        mean client time per call (the whole HTTP call, as the client saw it)
//	http-startup-ns/op  mean time until the connection was ready (curl's PRETRANSFER)
//	first-byte-ns/op    mean time to the first response byte (curl's STARTTRANSFER)
//	server-ns/op        mean handler time reported by the function (handler_ns, else end-begin)
//	p50-client-ns, p95-client-ns, p99-client-ns
//	                    client-time percentiles by nearest rank on the sorted samples: the sample at
//	                    rank ceil(p/100 × n), 1-based
//	cold/op             calls that reported is_cold, per call (all calls, excluded ones too)
//	cold-excluded       ModeWarm: the number of cold calls left out of the time metrics
//	coldstart-ns/op     ModeCold, ModeBurst: mean container cold start (create + start + ready) per call
//	peak-mem-B          the largest container memory sample taken during the loop, when the function
//	                    samples memory (WithMemorySampling)
//
// The built-in ns/op is the time of one iteration: one call, a batch of concurrent calls, or, in ModeCold
// and ModeBurst, cold starts plus calls. With b.Loop a cold iteration costs about half a second here, so
// the default -benchtime=1s gives two or three of them; use -benchtime=Nx for a fixed count.
func Bench(b *testing.B, fns []*Function, spec BenchSpec) {
	b.Helper()
	bn, err := newBencher(b, fns, spec)
	if err != nil {
		b.Fatal(err)
	}
	bn.run()
	bn.report()
}

// HandlerOutput returns the function handler's return value from a result: the response's
// result.output, re-encoded as JSON. It fails when the response does not have that shape.
func HandlerOutput(res *sebs.ExecutionResult) (json.RawMessage, error) {
	if res == nil {
		return nil, fmt.Errorf("sebstest: handler output: no result")
	}
	wrapped, ok := res.Output["result"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("sebstest: handler output of request %q: response has %T under \"result\", want an object "+
			"{\"output\": …} as the SeBS wrappers answer; is the function served by package serve or a SeBS wrapper?",
			res.RequestID, res.Output["result"])
	}
	out, ok := wrapped["output"]
	if !ok {
		return nil, fmt.Errorf("sebstest: handler output of request %q: response has no result.output", res.RequestID)
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("sebstest: handler output of request %q: re-encode: %w", res.RequestID, err)
	}
	return data, nil
}

// bencher is the state of one Bench call.
type bencher struct {
	b    *testing.B
	ctx  context.Context
	fns  []*Function
	spec BenchSpec
	conc int
	body json.RawMessage

	samples      []Sample // every call, in completion order
	loopBegin    time.Time
	loopEnd      time.Time
	coldExcluded int
}

func newBencher(b *testing.B, fns []*Function, spec BenchSpec) (*bencher, error) {
	if spec.Mode == "" {
		spec.Mode = ModeWarm
	}
	if _, err := ParseMode(string(spec.Mode)); err != nil {
		return nil, err
	}
	if len(fns) == 0 {
		return nil, fmt.Errorf("sebstest: Bench %s mode: no function given; pass at least one *Function", spec.Mode)
	}
	for i, fn := range fns {
		if fn == nil {
			return nil, fmt.Errorf("sebstest: Bench %s mode: function %d is nil", spec.Mode, i)
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
			return nil, fmt.Errorf("sebstest: Bench burst mode: concurrency %d needs %d functions, got %d; start one function per concurrent call",
				conc, conc, len(fns))
		}
	default:
		if conc > 1 {
			return nil, fmt.Errorf("sebstest: Bench %s mode makes one call at a time; concurrency %d is not allowed", spec.Mode, conc)
		}
		conc = 1
	}
	body, err := encodePayload(spec.Payload)
	if err != nil {
		return nil, err
	}
	spec.Recorder.noteConcurrency(conc)
	return &bencher{
		b: b, ctx: b.Context(), fns: fns, spec: spec, conc: conc, body: body,
		samples: make([]Sample, 0, 1024),
	}, nil
}

func encodePayload(p any) (json.RawMessage, error) {
	switch v := p.(type) {
	case json.RawMessage:
		return v, nil
	case []byte:
		return v, nil
	case nil:
		return json.RawMessage("{}"), nil
	}
	data, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("sebstest: Bench: encode payload: %w", err)
	}
	return data, nil
}
