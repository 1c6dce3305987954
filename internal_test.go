package sebs

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestParseEpochMicros(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1735787045.100000", 1735787045100000, true},
		{"1735787045.101234", 1735787045101234, true},
		{"1735787045.100", 1735787045100000, true}, // Node.js, ms
		{"1735787045", 1735787045000000, true},
		{"1735787045.", 1735787045000000, true},
		{".5", 500000, true},
		{"0.0000005", 0, true},  // half to even: 0
		{"0.0000015", 2, true},  // half to even: 2
		{"0.00000051", 1, true}, // above half
		{"0.0000004999", 0, true},
		{"-1.5", -1500000, true},
		{"1.7e9", 1700000000000000, true},
		{"9999999999999", 0, false},
		{"", 0, false},
		{".", 0, false},
		{"1.2.3", 0, false},
		{"abc", 0, false},
		{"1,5", 0, false},
		{"1.5x", 0, false},
		{"1.1234567x", 0, false},
		{"NaN", 0, false},
	} {
		got, err := parseEpochMicros(tc.in)
		if tc.ok != (err == nil) || (tc.ok && got != tc.want) {
			t.Errorf("parseEpochMicros(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	// Beyond six fraction digits upstream rounds the float: these are
	// CPython 3's datetime.fromtimestamp(float(s)) in µs (issue 12).
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"1735787045.1234565", 1735787045123456},
		{"1735787045.1234575", 1735787045123457},
		{"1735787045.0000005", 1735787045000000},
		{"1735787045.9999995", 1735787046000000},
		{"1735787045.9999999", 1735787046000000},
		{"1.2345675", 1234568},
		{"1735787045.12345650000001", 1735787045123456}, // the text is above half; the float is not
		{"1735787045.1000001", 1735787045100000},
		{"1735787045.123456789", 1735787045123457},
		{"1735787045.1234564999", 1735787045123456},
		{"-1.0000005", -1000001},
		{"1.7e9", 1700000000000000},
	} {
		if got, err := parseEpochMicros(tc.in); err != nil || got != tc.want {
			t.Errorf("parseEpochMicros(%q) = %d, %v; want %d as Python", tc.in, got, err, tc.want)
		}
	}
	// No float rounding: a µs difference at today's epoch survives exactly,
	// where float64 seconds would lose it (1735787045.000001 has 16 digits).
	b, _ := parseEpochMicros("1735787045.000001")
	e, _ := parseEpochMicros("1735787045.000002")
	if e-b != 1 {
		t.Errorf("difference = %d µs, want 1", e-b)
	}
}

func FuzzParseEpochMicros(f *testing.F) {
	for _, s := range []string{"1735787045.100000", "1735787045.100", "1", ".5", "-0.0000015", "1e3", "12.34567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseEpochMicros(s)
		if err != nil || strings.ContainsAny(s, "eE") {
			return
		}
		if _, frac, _ := strings.Cut(s, "."); len(strings.TrimSpace(frac)) > 6 {
			return // rounded through a float, as upstream (table above)
		}
		// Compare with exact rational arithmetic, rounding half to even.
		r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
		if !ok {
			t.Fatalf("parseEpochMicros(%q) = %d, but it is not a number", s, got)
		}
		r.Mul(r, big.NewRat(1_000_000, 1))
		want := roundHalfEven(r)
		if want.Cmp(big.NewInt(got)) != 0 {
			t.Fatalf("parseEpochMicros(%q) = %d, want %s", s, got, want)
		}
	})
}

func roundHalfEven(r *big.Rat) *big.Int {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	c := twice.Cmp(r.Denom())
	sign := int64(r.Sign())
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(sign))
	}
	return q
}

// FuzzParseResponse drives the response-parsing path with arbitrary status
// codes and bodies: it must never panic, and its verdict must be consistent.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"begin":"1735787045.100000","end":"1735787045.101234","request_id":"r","is_cold":true,"result":{"output":1},"container_id":"c","handler_ns":1}`,
		`{"begin":1735787045.1,"end":1735787045.35,"request_id":"r","is_cold":false}`,
		`{"body":{"request_id":"r","is_cold":false}}`,
		`{"body":"{\"request_id\":\"r\",\"is_cold\":false,\"begin\":\"1\",\"end\":\"2\"}"}`,
		`{"body":"nope"}`, `{"request_id":"r"}`, `{"is_cold":true}`, `{"error":"boom"}`,
		`[]`, `null`, `"x"`, ``, `{`, `{"request_id":"r","is_cold":false,"begin":"x","end":"1"}`,
	} {
		f.Add(200, []byte(s))
	}
	f.Add(500, []byte(`{"error":"boom","request_id":"r","is_cold":false}`))
	f.Add(500, []byte(`{"error":{"code":1},"error_type":"ValueError","stack":"Traceback","panic":false}`))
	f.Add(500, []byte(`<pre>x</pre><h2>Exception:</h2><pre>KeyError(&#039;a&#039;)</pre><pre>Traceback (most recent call last):\nKeyError: &#039;a&#039;</pre>`))
	f.Add(413, []byte(`<pre>Request entity too large</pre>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		res := &ExecutionResult{Detail: &Detail{}}
		err := parseResponse(res, status, body)
		if err == nil {
			if status != 200 || res.Stats.Failure || res.Output == nil {
				t.Fatalf("accepted status %d, failure=%v, output=%v", status, res.Stats.Failure, res.Output)
			}
			if _, ok := res.Output["is_cold"].(bool); !ok {
				t.Fatal("accepted a response without a boolean is_cold")
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("accepted result does not encode: %v", err)
			}
			return
		}
		if !res.Stats.Failure {
			t.Fatal("error without Failure set")
		}
		kinds := []error{ErrStatus, ErrNotJSON, ErrMissingRequestID, ErrInvocationFailed, ErrMalformedResponse, ErrBodyTooLarge}
		n := 0
		for _, k := range kinds {
			if errors.Is(err, k) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("error %v matches %d kinds", err, n)
		}
		var he *HandlerError
		switch {
		case status == 413:
			if !errors.Is(err, ErrBodyTooLarge) {
				t.Fatalf("status 413 gave %v", err)
			}
		case status != 200 && errors.As(err, &he):
			if status != 500 || !errors.Is(err, ErrInvocationFailed) || he.Status != 500 {
				t.Fatalf("status %d gave handler error %v", status, err)
			}
			if len(he.Message) > maxHandlerMessage+64 || len(he.Stack) > maxHandlerStack+64 {
				t.Fatalf("handler error of %d+%d bytes", len(he.Message), len(he.Stack))
			}
		case status != 200 && !errors.Is(err, ErrStatus):
			t.Fatalf("status %d gave %v", status, err)
		}
		if len(err.Body) > maxExcerpt+64 {
			t.Fatalf("excerpt of %d bytes", len(err.Body))
		}
		_ = err.Error()
	})
}
