package sebs

import (
	"encoding/json"
	"strconv"
	"time"
)

// AppendJSON appends r's JSON, as json.Marshal writes it (upstream's shape, see MarshalJSON), byte for
// byte, and returns the extended buffer. It needs no reflection: a recorder that keeps every result of a
// load run encoded, rather than as maps the garbage collector must walk, pays about a microsecond a call
// for it (issue 16). A result the fast path does not cover (a memory sample's time outside years 0–9999 or
// in an odd zone, a number JSON cannot hold, an output nested deeper than maxAppendDepth or with a cycle)
// goes through encoding/json, errors included. On an error, b is returned as it was given.
func (r *ExecutionResult) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
	b, ok, err := r.appendFast(b)
	if err != nil {
		return b[:start], err
	}
	if ok {
		return b, nil
	}
	data, err := json.Marshal(r.reflectJSON())
	if err != nil {
		return b[:start], err
	}
	return append(b[:start], data...), nil
}

// reflectJSON is the value encoding/json writes for r.
func (r *ExecutionResult) reflectJSON() resultJSON {
	v := resultJSON{
		Billing:       r.Billing,
		Detail:        r.Detail,
		Output:        r.Output,
		ProviderTimes: r.ProviderTimes,
		RequestID:     r.RequestID,
		Stats:         r.Stats,
		Times:         r.Times,
	}
	if r.Output == nil {
		v.Output = map[string]any{}
	}
	return v
}

// appendFast is AppendJSON without reflection; ok is false when r needs encoding/json.
func (r *ExecutionResult) appendFast(b []byte) (_ []byte, ok bool, err error) {
	b = append(b, `{"billing":{"_billed_time":`...)
	b = appendIntPtr(b, r.Billing.BilledTime)
	b = append(b, `,"_gb_seconds":`...)
	if b, ok = appendJSONFloatPtr(b, &r.Billing.GBSeconds); !ok {
		return b, false, nil
	}
	b = append(b, `,"_memory":`...)
	if r.Billing.Memory == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*r.Billing.Memory), 10)
	}
	b = append(b, '}')
	if d := r.Detail; d != nil {
		if b, ok = d.appendJSON(append(b, `,"detail":`...)); !ok {
			return b, false, nil
		}
	}
	b = append(b, `,"output":`...)
	if r.Output == nil {
		b = append(b, "{}"...)
	} else if b, err = appendJSONObjectDepth(b, r.Output, 0); err != nil {
		return b, false, err
	}
	b = append(b, `,"provider_times":{"execution":`...)
	b = strconv.AppendInt(b, r.ProviderTimes.Execution, 10)
	b = append(b, `,"initialization":`...)
	b = strconv.AppendInt(b, r.ProviderTimes.Initialization, 10)
	b = append(b, `},"request_id":`...)
	b = appendJSONString(b, r.RequestID)
	b = append(b, `,"stats":{"cold_start":`...)
	b = strconv.AppendBool(b, r.Stats.ColdStart)
	b = append(b, `,"failure":`...)
	b = strconv.AppendBool(b, r.Stats.Failure)
	b = append(b, `,"memory_used":`...)
	if b, ok = appendJSONFloatPtr(b, r.Stats.MemoryUsed); !ok {
		return b, false, nil
	}
	if b, ok = r.Times.appendJSON(append(b, `},"times":`...)); !ok {
		return b, false, nil
	}
	return append(b, '}'), true, nil
}

// appendJSON appends t as ExecutionTimes.MarshalJSON writes it; ok is false for an HTTP time JSON cannot
// hold.
func (t *ExecutionTimes) appendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"benchmark":`...)
	b = strconv.AppendInt(b, t.Benchmark, 10)
	b = append(b, `,"client":`...)
	b = strconv.AppendInt(b, t.Client, 10)
	if !t.ClientBegin.IsZero() {
		b = appendUpstreamTime(append(b, `,"client_begin":`...), t.ClientBegin)
	}
	if !t.ClientEnd.IsZero() {
		b = appendUpstreamTime(append(b, `,"client_end":`...), t.ClientEnd)
	}
	if t.HTTPFirstByteReturn != nil {
		if b, ok = appendJSONFloatPtr(append(b, `,"http_first_byte_return":`...), t.HTTPFirstByteReturn); !ok {
			return b, false
		}
	}
	if t.HTTPStartup != nil {
		if b, ok = appendJSONFloatPtr(append(b, `,"http_startup":`...), t.HTTPStartup); !ok {
			return b, false
		}
	}
	b = append(b, `,"initialization":`...)
	b = strconv.AppendInt(b, t.Initialization, 10)
	return append(b, '}'), true
}

// appendJSON appends d as encoding/json writes it; ok is false for a memory sample whose time needs
// encoding/json.
func (d *Detail) appendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"connection_reused":`...)
	b = strconv.AppendBool(b, d.ConnectionReused)
	if d.ContainerID != "" {
		b = appendJSONString(append(b, `,"container_id":`...), d.ContainerID)
	}
	if d.HandlerNS != 0 {
		b = strconv.AppendInt(append(b, `,"handler_ns":`...), d.HandlerNS, 10)
	}
	if len(d.MemorySamples) > 0 {
		b = append(b, `,"memory_samples":[`...)
		for i, m := range d.MemorySamples {
			if !plainTime(m.Time) {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"time":"`...)
			b = m.Time.AppendFormat(b, time.RFC3339Nano)
			b = append(b, `","bytes":`...)
			b = strconv.AppendUint(b, m.Bytes, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if d.TimestampSource != "" {
		b = appendJSONString(append(b, `,"timestamp_source":`...), d.TimestampSource)
	}
	if d.FirstByteUserNS != 0 {
		b = strconv.AppendInt(append(b, `,"first_byte_user_ns":`...), d.FirstByteUserNS, 10)
	}
	if d.StartupUserNS != 0 {
		b = strconv.AppendInt(append(b, `,"startup_user_ns":`...), d.StartupUserNS, 10)
	}
	if d.Address != "" {
		b = appendJSONString(append(b, `,"address":`...), d.Address)
	}
	return append(b, '}'), true
}

// appendIntPtr appends *n, or null for nil.
func appendIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}
