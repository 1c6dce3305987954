package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gosebs/sebs"
)

// appendSample appends s as json.Marshal writes it, byte for byte, and returns the extended buffer. It is
// the samples.jsonl line of every recorded call: under load, encoding/json's reflection was a third of
// what recording cost the callers (issue 16). Anything the fast path does not cover (a time outside years
// 0–9999 or in a zone of odd seconds) goes through json.Marshal, errors included; a measurement that is not
// a finite number, which json.Marshal refuses too, is an error that names it.
func appendSample(b []byte, s sebs.Sample) ([]byte, error) {
	if k, v, bad := nonFinite(s.Measurement); bad {
		return b, fmt.Errorf("measurement %q of request %q is %v, which JSON cannot hold: record a finite number or leave it out", k, s.RequestID, v)
	}
	if !plainTime(s.Begin) {
		line, err := json.Marshal(s)
		return append(b, line...), err
	}
	b = append(b, `{"benchmark":`...)
	b = appendString(b, s.Benchmark)
	b = append(b, `,"function":`...)
	b = appendString(b, s.Function)
	b = append(b, `,"language":`...)
	b = appendString(b, s.Language)
	b = append(b, `,"mode":`...)
	b = appendString(b, s.Mode)
	b = append(b, `,"size":`...)
	b = appendString(b, s.Size)
	b = append(b, `,"request_id":`...)
	b = appendString(b, s.RequestID)
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
		keys := make([]string, 0, len(s.Measurement))
		for k := range s.Measurement {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendFloat(b, s.Measurement[k])
		}
		b = append(b, '}')
	}
	if s.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, s.Error)
	}
	return append(b, '}'), nil
}

// appendString appends str as a JSON string as encoding/json writes it: printable ASCII other than the
// characters it escapes goes as it is; any other string goes through json.Marshal.
func appendString(b []byte, str string) []byte {
	for i := 0; i < len(str); i++ {
		switch c := str[i]; {
		case c < 0x20 || c >= utf8.RuneSelf, c == '"', c == '\\', c == '<', c == '>', c == '&':
			quoted, _ := json.Marshal(str) // a string always encodes
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, str...)
	return append(b, '"')
}

// appendFloat appends a finite f as encoding/json writes a float64: the shortest decimal that reads back
// as f, in exponent form only below 1e-6 or from 1e21, with a two-digit negative exponent shortened.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// plainTime reports whether t is a time that time.Time.MarshalJSON writes as RFC3339Nano does: a year
// in 0–9999 and a zone offset of whole minutes.
func plainTime(t time.Time) bool {
	_, offset := t.Zone()
	return t.Year() >= 0 && t.Year() <= 9999 && offset%60 == 0
}

// nonFinite returns a value of m that is not a finite number, with its key, if there is one.
func nonFinite(m map[string]float64) (string, float64, bool) {
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return k, v, true
		}
	}
	return "", 0, false
}
