package sebs

import (
	"encoding/json"
	"fmt"
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

// formatUpstreamTime formats t as upstream's str(datetime) in local time,
// truncated to microseconds.
func formatUpstreamTime(t time.Time) string {
	t = t.In(time.Local)
	if t.Nanosecond()/1000 == 0 {
		return t.Format(upstreamLayoutNoFrac)
	}
	return t.Format(upstreamLayout)
}

// parseUpstreamTime reads upstream's str(datetime), naive (local time) or
// with a UTC offset, and also accepts RFC 3339.
func parseUpstreamTime(s string) (time.Time, error) {
	if t, err := time.ParseInLocation(upstreamParseLayout, s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(upstreamParseLayoutTZ, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(upstreamParseLayoutISO, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("sebs: time %q is not in upstream's format \"2006-01-02 15:04:05[.999999]\"", s)
}

// upstreamTime is a time.Time in upstream's JSON form.
type upstreamTime time.Time

func (t upstreamTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(formatUpstreamTime(time.Time(t)))
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
