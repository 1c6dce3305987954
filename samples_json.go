package sebs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AppendJSON appends s as json.Marshal writes it, byte for byte, and returns the extended buffer: a
// samples.jsonl line without reflection, for writers that record every call (under load, encoding/json's
// reflection was a third of what recording cost the callers; issue 16). Anything the fast path does not
// cover (a time outside years 0–9999, in a zone of odd seconds or of 24 hours or more) goes through json.Marshal, errors
// included; a measurement that is not a finite number, which json.Marshal refuses too, is an error that
// names it.
func (s Sample) AppendJSON(b []byte) ([]byte, error) {
	if k, v, bad := nonFinite(s.Measurement); bad {
		return b, fmt.Errorf("measurement %q of request %q is %v, which JSON cannot hold: record a finite number or leave it out", k, s.RequestID, v)
	}
	if !plainTime(s.Begin) {
		line, err := json.Marshal(s)
		return append(b, line...), err
	}
	b = append(b, `{"benchmark":`...)
	b = appendJSONString(b, s.Benchmark)
	b = append(b, `,"function":`...)
	b = appendJSONString(b, s.Function)
	b = append(b, `,"language":`...)
	b = appendJSONString(b, s.Language)
	b = append(b, `,"mode":`...)
	b = appendJSONString(b, s.Mode)
	b = append(b, `,"size":`...)
	b = appendJSONString(b, s.Size)
	b = append(b, `,"request_id":`...)
	b = appendJSONString(b, s.RequestID)
	b = append(b, `,"is_cold":`...)
	b = strconv.AppendBool(b, s.IsCold)
	b = append(b, `,"begin":"`...)
	b = s.Begin.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","client_ns":`...)
	b = strconv.AppendInt(b, s.ClientNS, 10)
	b = append(b, `,"http_startup_ns":`...)
	b = strconv.AppendInt(b, s.HTTPStartupNS, 10)
	b = append(b, `,"first_byte_ns":`...)
	b = strconv.AppendInt(b, s.FirstByteNS, 10)
	b = append(b, `,"server_ns":`...)
	b = strconv.AppendInt(b, s.ServerNS, 10)
	b = append(b, `,"connection_reused":`...)
	b = strconv.AppendBool(b, s.ConnectionReused)
	b = append(b, `,"memory_peak_bytes":`...)
	b = strconv.AppendUint(b, s.MemoryPeakBytes, 10)
	if st := s.ColdStart; st != nil {
		b = append(b, `,"cold_start":{"create_ns":`...)
		b = strconv.AppendInt(b, int64(st.Create), 10)
		b = append(b, `,"start_ns":`...)
		b = strconv.AppendInt(b, int64(st.Start), 10)
		b = append(b, `,"ready_ns":`...)
		b = strconv.AppendInt(b, int64(st.Ready), 10)
		b = append(b, `,"first_byte_ns":`...)
		b = strconv.AppendInt(b, int64(st.FirstByte), 10)
		b = append(b, '}')
	}
	if len(s.Measurement) > 0 {
		b = append(b, `,"measurement":{`...)
		var small [16]member[float64]
		for i, m := range sortedMembers(small[:0], s.Measurement) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, m.key)
			b = append(b, ':')
			b = appendJSONFloat(b, m.value)
		}
		b = append(b, '}')
	}
	if s.Error != "" {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, s.Error)
	}
	return append(b, '}'), nil
}
