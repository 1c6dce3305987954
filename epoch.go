package sebs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Functions report when their handler began and ended as epoch seconds:
// strings with six fraction digits from Python wrappers ("1735787045.100000"),
// three from Node.js ("1735787045.100"), and JSON numbers from cloud wrappers.

// maxEpochSeconds bounds accepted timestamps, so microseconds fit an int64.
const maxEpochSeconds = 1e12

var errEpoch = errors.New("not a decimal number of epoch seconds")

// parseEpochMicros converts a decimal string of seconds into integer
// microseconds exactly, without going through a float. With more than six
// fraction digits, or exponent notation, it rounds as upstream does, through
// a float (pythonFloatMicros).
func parseEpochMicros(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errEpoch
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= maxEpochSeconds {
			return 0, errEpoch
		}
		return pythonFloatMicros(f), nil
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, errEpoch
	}
	if len(intPart) > 12 {
		return 0, errEpoch // beyond year 33000: not a timestamp
	}
	var sec int64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, errEpoch
		}
		sec = sec*10 + int64(c-'0')
	}
	var us int64
	for i := 0; i < 6; i++ {
		us *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, errEpoch
			}
			us += int64(c - '0')
		}
	}
	if len(frac) > 6 {
		rest := frac[6:]
		for i := 0; i < len(rest); i++ {
			if rest[i] < '0' || rest[i] > '9' {
				return 0, errEpoch
			}
		}
		// Upstream rounds the float, not the text (issue 12).
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, errEpoch
		}
		if neg {
			f = -f
		}
		return pythonFloatMicros(f), nil
	}
	v := sec*1_000_000 + us
	if neg {
		v = -v
	}
	return v, nil
}

// epochMicros converts a decoded JSON value (string or number) of epoch
// seconds into microseconds.
func epochMicros(v any) (int64, error) {
	switch x := v.(type) {
	case string:
		return parseEpochMicros(x)
	case json.Number: // responses are decoded with numbers as text
		return parseEpochMicros(string(x))
	case float64:
		// The shortest decimal that round-trips is what the wrapper wrote
		// (Date.now()/1000 has at most 13 significant digits).
		return parseEpochMicros(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return 0, errEpoch
}

// benchmarkMicros returns end-begin in microseconds from a response's "begin"
// and "end"; ok is false when either is missing.
func benchmarkMicros(out map[string]any) (us int64, ok bool, err error) {
	b, hasB := out["begin"]
	e, hasE := out["end"]
	if !hasB || !hasE {
		return 0, false, nil
	}
	begin, err := epochMicros(b)
	if err != nil {
		return 0, false, fmt.Errorf("\"begin\" %v: %w", b, err)
	}
	end, err := epochMicros(e)
	if err != nil {
		return 0, false, fmt.Errorf("\"end\" %v: %w", e, err)
	}
	return end - begin, true, nil
}
