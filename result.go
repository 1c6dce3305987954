package sebs

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// ExecutionTimes are the client-side times of one invocation, in upstream's
// units: integer microseconds for Client, Benchmark and Initialization, float
// seconds for the HTTP times. Use the Duration accessors rather than the raw
// fields.
//
// JSON keys: benchmark, client, client_begin, client_end,
// http_first_byte_return, http_startup, initialization. client_begin and
// client_end are written only when set, as upstream's naive local datetime
// strings; the http_* keys only when set (nil means "not measured", as with
// upstream's library triggers).
type ExecutionTimes struct {
	// Client is the whole call as the client saw it, in µs: from just before
	// the request was sent until the response body was read.
	Client int64
	// ClientBegin and ClientEnd are the wall-clock times of the call, for
	// correlation with other logs; durations come from a monotonic clock.
	ClientBegin time.Time
	ClientEnd   time.Time
	// Benchmark is end minus begin as the function reported them, in µs.
	Benchmark int64
	// Initialization is always 0 on the local platform, in µs.
	Initialization int64
	// HTTPStartup is the time until the connection was ready to send the
	// request (curl's PRETRANSFER), in seconds.
	HTTPStartup *float64
	// HTTPFirstByteReturn is the time until the first byte of the response
	// (curl's STARTTRANSFER, including the function's run), in seconds.
	HTTPFirstByteReturn *float64
}

func microsToDuration(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

func secondsToDuration(s *float64) time.Duration {
	if s == nil || math.IsNaN(*s) {
		return 0
	}
	return time.Duration(math.Round(*s * float64(time.Second)))
}

// ClientDuration returns the client time.
func (t ExecutionTimes) ClientDuration() time.Duration { return microsToDuration(t.Client) }

// BenchmarkDuration returns the function's own begin-to-end time.
func (t ExecutionTimes) BenchmarkDuration() time.Duration { return microsToDuration(t.Benchmark) }

// InitializationDuration returns the initialization time.
func (t ExecutionTimes) InitializationDuration() time.Duration {
	return microsToDuration(t.Initialization)
}

// HTTPStartupDuration returns the time until the connection was ready, or 0
// when it was not measured.
func (t ExecutionTimes) HTTPStartupDuration() time.Duration {
	return secondsToDuration(t.HTTPStartup)
}

// FirstByteDuration returns the time until the first response byte, or 0
// when it was not measured.
func (t ExecutionTimes) FirstByteDuration() time.Duration {
	return secondsToDuration(t.HTTPFirstByteReturn)
}

// SetClient sets the client time from d, and ClientBegin and ClientEnd.
func (t *ExecutionTimes) SetClient(begin, end time.Time, d time.Duration) {
	t.ClientBegin, t.ClientEnd = begin, end
	t.Client = d.Microseconds()
}

// SetHTTP sets both HTTP times.
func (t *ExecutionTimes) SetHTTP(startup, firstByte time.Duration) {
	s, f := startup.Seconds(), firstByte.Seconds()
	t.HTTPStartup, t.HTTPFirstByteReturn = &s, &f
}

type timesJSON struct {
	Benchmark           json.Number   `json:"benchmark"`
	Client              json.Number   `json:"client"`
	ClientBegin         *upstreamTime `json:"client_begin,omitempty"`
	ClientEnd           *upstreamTime `json:"client_end,omitempty"`
	HTTPFirstByteReturn *float64      `json:"http_first_byte_return,omitempty"`
	HTTPStartup         *float64      `json:"http_startup,omitempty"`
	Initialization      json.Number   `json:"initialization"`
}

// MarshalJSON writes the times in upstream's shape.
func (t ExecutionTimes) MarshalJSON() ([]byte, error) {
	v := timesJSON{
		Benchmark:           json.Number(fmt.Sprint(t.Benchmark)),
		Client:              json.Number(fmt.Sprint(t.Client)),
		Initialization:      json.Number(fmt.Sprint(t.Initialization)),
		HTTPFirstByteReturn: t.HTTPFirstByteReturn,
		HTTPStartup:         t.HTTPStartup,
	}
	if !t.ClientBegin.IsZero() {
		b := upstreamTime(t.ClientBegin)
		v.ClientBegin = &b
	}
	if !t.ClientEnd.IsZero() {
		e := upstreamTime(t.ClientEnd)
		v.ClientEnd = &e
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads the times in upstream's shape; every key is optional.
func (t *ExecutionTimes) UnmarshalJSON(data []byte) error {
	var v timesJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode times: %w", err)
	}
	var out ExecutionTimes
	var err error
	if out.Benchmark, err = intMicros("benchmark", v.Benchmark); err != nil {
		return err
	}
	if out.Client, err = intMicros("client", v.Client); err != nil {
		return err
	}
	if out.Initialization, err = intMicros("initialization", v.Initialization); err != nil {
		return err
	}
	if v.ClientBegin != nil {
		out.ClientBegin = time.Time(*v.ClientBegin)
	}
	if v.ClientEnd != nil {
		out.ClientEnd = time.Time(*v.ClientEnd)
	}
	out.HTTPStartup, out.HTTPFirstByteReturn = v.HTTPStartup, v.HTTPFirstByteReturn
	*t = out
	return nil
}

// intMicros reads an integer count of µs; upstream writes integers, but a
// float is rounded rather than rejected.
func intMicros(key string, n json.Number) (int64, error) {
	if n == "" {
		return 0, nil
	}
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.Abs(f) > math.MaxInt64/2 {
		return 0, fmt.Errorf("sebs: decode times: %q is %s, not a number of microseconds", key, n)
	}
	return int64(math.Round(f)), nil
}

// ProviderTimes are the times the platform reported, in µs. They come from
// provider logs, so on the local platform they are always 0.
//
// JSON keys: execution, initialization.
type ProviderTimes struct {
	Execution      int64 `json:"execution"`
	Initialization int64 `json:"initialization"`
}

// ExecutionDuration returns the provider's execution time.
func (p ProviderTimes) ExecutionDuration() time.Duration { return microsToDuration(p.Execution) }

// InitializationDuration returns the provider's initialization time.
func (p ProviderTimes) InitializationDuration() time.Duration {
	return microsToDuration(p.Initialization)
}

// ExecutionStats are facts about one invocation.
//
// JSON keys: cold_start, failure, memory_used (null when unknown).
type ExecutionStats struct {
	ColdStart  bool     `json:"cold_start"`  // the function said is_cold
	Failure    bool     `json:"failure"`     // the invocation failed
	MemoryUsed *float64 `json:"memory_used"` // MB, nil when unknown
}

// ExecutionBilling is what a cloud provider would bill; locally it stays at
// its defaults.
//
// Its JSON keys carry upstream's leading underscore: _billed_time, _gb_seconds,
// _memory.
type ExecutionBilling struct {
	BilledTime *int64  `json:"_billed_time"` // ms, nil when unknown
	GBSeconds  float64 `json:"_gb_seconds"`  // billed seconds × GB of memory
	Memory     *int    `json:"_memory"`      // MB, nil when unknown
}

// BilledDuration returns the billed time, or 0 when unknown.
func (b ExecutionBilling) BilledDuration() time.Duration {
	if b.BilledTime == nil {
		return 0
	}
	return time.Duration(*b.BilledTime) * time.Millisecond
}

// ExecutionResult is what one invocation returned and measured.
//
// Its JSON is upstream's ExecutionResult (keys billing, output,
// provider_times, request_id, stats, times), plus this package's "detail",
// which upstream ignores.
type ExecutionResult struct {
	// Output is the whole decoded response (after unwrapping a "body"
	// envelope), as upstream stores it; the handler's return value is under
	// "result". Its numbers are json.Number, the function's own text, so
	// integers above 2^53 survive recording and rewriting exactly: read them
	// with Int64 or Float64, or compare HandlerOutput's JSON.
	Output        map[string]any
	RequestID     string
	Times         ExecutionTimes
	ProviderTimes ProviderTimes
	Stats         ExecutionStats
	Billing       ExecutionBilling
	// Detail holds what this package measures beyond upstream; nil when
	// unknown (e.g. results read from upstream's files).
	Detail *Detail
}

// Detail is what this package records beyond upstream's model.
//
// JSON keys: connection_reused, container_id, handler_ns, memory_samples,
// timestamp_source, first_byte_user_ns, startup_user_ns, address.
type Detail struct {
	// ConnectionReused says whether the HTTP call reused a kept-alive
	// connection, in which case HTTP startup includes no TCP connect.
	ConnectionReused bool `json:"connection_reused"`
	// ContainerID is the response's "container_id": which instance served
	// the call.
	ContainerID string `json:"container_id,omitempty"`
	// HandlerNS is the response's "handler_ns": the handler's duration on
	// the function's monotonic clock, in ns.
	HandlerNS int64 `json:"handler_ns,omitempty"`
	// MemorySamples are memory readings of the function's container taken
	// during the call, if sampling was on.
	MemorySamples []MemorySample `json:"memory_samples,omitempty"`
	// TimestampSource says where the result's HTTP startup and first-byte
	// times come from: "kernel" (receive timestamps of the call's socket,
	// Linux) or "user" (the client's trace, net/http/httptrace).
	TimestampSource string `json:"timestamp_source,omitempty"`
	// FirstByteUserNS is the user-space first-byte time (ns from the call's
	// start) when kernel times replaced it in Times; 0 otherwise.
	FirstByteUserNS int64 `json:"first_byte_user_ns,omitempty"`
	// StartupUserNS is the user-space HTTP startup (ns from the call's start
	// to the connection in hand) when kernel times replaced it; 0 otherwise.
	// With kernel times both HTTP startup and first byte count from the
	// request's zero: the SYN on a fresh connection (startup is then the
	// kernel's handshake), the request's first write on a reused one
	// (startup 0).
	StartupUserNS int64 `json:"startup_user_ns,omitempty"`
	// Address says how the call reached the function's container, when the
	// code that started it knows: "bridge" (the container's own address on
	// its engine's network, no proxy in between) or "published" (a port
	// published on the host, through Docker's userland proxy).
	Address string `json:"address,omitempty"`
}

// HandlerDuration returns the handler's duration reported by the function,
// or 0 if it did not report one.
func (d *Detail) HandlerDuration() time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(d.HandlerNS)
}

// MemorySample is one memory reading of a function's container.
type MemorySample struct {
	Time  time.Time `json:"time"`
	Bytes uint64    `json:"bytes"`
}

type resultJSON struct {
	Billing       ExecutionBilling `json:"billing"`
	Detail        *Detail          `json:"detail,omitempty"`
	Output        any              `json:"output"`
	ProviderTimes ProviderTimes    `json:"provider_times"`
	RequestID     string           `json:"request_id"`
	Stats         ExecutionStats   `json:"stats"`
	Times         ExecutionTimes   `json:"times"`
}

// MarshalJSON writes the result in upstream's shape; a nil Output is
// written as {}. It is AppendJSON's encoding.
func (r ExecutionResult) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(nil)
}

// UnmarshalJSON reads a result as upstream writes it; missing keys keep
// their defaults.
func (r *ExecutionResult) UnmarshalJSON(data []byte) error {
	var v resultJSON
	var raw json.RawMessage
	v.Output = &raw
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode execution result: %w", err)
	}
	var out map[string]any
	if len(raw) > 0 {
		var err error
		if out, err = decodeObject(raw); err != nil {
			return fmt.Errorf("sebs: decode execution result: \"output\": %w", err)
		}
	}
	*r = ExecutionResult{
		Output:        out,
		RequestID:     v.RequestID,
		Times:         v.Times,
		ProviderTimes: v.ProviderTimes,
		Stats:         v.Stats,
		Billing:       v.Billing,
		Detail:        v.Detail,
	}
	return nil
}

// HandlerOutput returns the function handler's own return value: the
// response's result.output, as JSON. It fails when the response does not
// have the shape that this module's runtimes and upstream's wrappers answer
// with ({"result": {"output": …}}).
func (r *ExecutionResult) HandlerOutput() (json.RawMessage, error) {
	if r == nil {
		return nil, fmt.Errorf("sebs: handler output: no result")
	}
	wrapped, ok := r.Output["result"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("sebs: handler output of request %q: response has %T under \"result\", want an object "+
			"{\"output\": …} as the SeBS wrappers answer; is the function served by package serve or a SeBS wrapper?",
			r.RequestID, r.Output["result"])
	}
	out, ok := wrapped["output"]
	if !ok {
		return nil, fmt.Errorf("sebs: handler output of request %q: response has no result.output", r.RequestID)
	}
	data, err := appendJSONValue(nil, out) // json.Marshal's bytes, without reflection: validators call this every call
	if err != nil {
		return nil, fmt.Errorf("sebs: handler output of request %q: re-encode: %w", r.RequestID, err)
	}
	return data, nil
}
