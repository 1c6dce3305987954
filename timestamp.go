package sebs

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Upstream writes client_begin and client_end with Python's str(datetime): a
// naive local time, "2025-01-02 03:04:05.123456", whose fraction is left out
// when the microseconds are zero.
const (
	upstreamLayout         = "2006-01-02 15:04:05.000000"
	upstreamLayoutNoFrac   = "2006-01-02 15:04:05"
	upstreamParseLayout    = "2006-01-02 15:04:05.999999999"
	upstreamParseLayoutTZ  = "2006-01-02 15:04:05.999999999Z07:00"
	upstreamParseLayoutISO = time.RFC3339Nano
)

// naiveZone names the fixed zone of a naive time that does not exist in
// the reader's zone (it falls in a daylight-saving gap there): the writer's
// zone may well have had it. Such a time keeps its wall clock and is
// written back in that zone, unchanged.
const naiveZone = "naive"

// upstreamForm returns t in the zone upstream's str(datetime) shows it in,
// and the layout that writes it as upstream does.
func upstreamForm(t time.Time) (time.Time, string) {
	if name, _ := t.Zone(); name != naiveZone {
		t = t.In(time.Local)
	}
	if t.Nanosecond()/1000 == 0 {
		return t, upstreamLayoutNoFrac
	}
	return t, upstreamLayout
}

// appendUpstreamTime appends t as upstream's str(datetime) in local time,
// truncated to microseconds, as a JSON string; a time read from a naive
// string in a gap of the local zone is written as it was read. Its
// characters (digits, '-', ':', '.', ' ' and, for a year beyond 9999, more
// digits or a sign) need no escaping.
func appendUpstreamTime(b []byte, t time.Time) []byte {
	t, layout := upstreamForm(t)
	b = append(b, '"')
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		b = t.AppendFormat(b, layout)
		return append(b, '"')
	}
	// The layout's fields written directly: AppendFormat parses the layout on every call, and the Recorder
	// writes two of these a call (issue 16).
	hour, minute, sec := t.Clock()
	b = appendPadded(b, year, 4)
	b = appendPadded(append(b, '-'), int(month), 2)
	b = appendPadded(append(b, '-'), day, 2)
	b = appendPadded(append(b, ' '), hour, 2)
	b = appendPadded(append(b, ':'), minute, 2)
	b = appendPadded(append(b, ':'), sec, 2)
	if layout == upstreamLayout {
		b = appendPadded(append(b, '.'), t.Nanosecond()/1000, 6)
	}
	return append(b, '"')
}

// appendPadded appends n (0 ≤ n < 10^width) in width decimal digits, zero-padded.
func appendPadded(b []byte, n, width int) []byte {
	b = append(b, "000000"[:width]...)
	for i := len(b) - 1; n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// parseUpstreamTime reads upstream's str(datetime), naive (local time) or
// with a UTC offset, and also accepts RFC 3339.
//
// A naive time is the writer's local wall clock. Read in the local zone, a
// wall clock inside a daylight-saving gap would move by an hour (it does not
// exist here); it is then read in a fixed zone named "naive" with the offset
// in force before the gap, so it is written back as it was read.
func parseUpstreamTime(s string) (time.Time, error) {
	if wall, err := time.ParseInLocation(upstreamParseLayout, s, time.UTC); err == nil {
		t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), time.Local)
		if sameWallClock(t, wall) {
			return t, nil
		}
		_, before := wall.Add(-12 * time.Hour).In(time.Local).Zone()
		return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(),
			time.FixedZone(naiveZone, before)), nil
	}
	if t, err := time.Parse(upstreamParseLayoutTZ, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(upstreamParseLayoutISO, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("sebs: time %q is not in upstream's format \"2006-01-02 15:04:05[.999999]\"", s)
}

func sameWallClock(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// pythonFloatMicros is what upstream makes of a function's "begin" or "end"
// of f epoch seconds: Python's datetime.fromtimestamp(float(s)), which splits
// the float into whole and fractional seconds (modf) and rounds the
// fraction's microseconds half to even, in float arithmetic. Beyond six
// fraction digits this differs from rounding the decimal text.
func pythonFloatMicros(f float64) int64 {
	whole, frac := math.Modf(f)
	return int64(whole)*1_000_000 + int64(math.RoundToEven(frac*1e6))
}

// upstreamTime is a time.Time in upstream's JSON form.
type upstreamTime time.Time

func (t upstreamTime) MarshalJSON() ([]byte, error) {
	return appendUpstreamTime(nil, time.Time(t)), nil
}

func (t *upstreamTime) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("sebs: time must be a JSON string: %w", err)
	}
	v, err := parseUpstreamTime(s)
	if err != nil {
		return err
	}
	*t = upstreamTime(v)
	return nil
}
