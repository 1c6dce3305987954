package sebs

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadBodyBoundaries(t *testing.T) {
	pool := make([]byte, 0, 16)
	for _, tc := range []struct {
		name        string
		body        string
		size, limit int64
		first       []byte
		wantOver    bool
	}{
		{name: "at the limit, unknown size", body: strings.Repeat("x", 100), size: -1, limit: 100},
		{name: "one past the limit", body: strings.Repeat("x", 101), size: -1, limit: 100, wantOver: true},
		{name: "known size at the limit", body: strings.Repeat("x", 100), size: 100, limit: 100},
		{name: "many chunks", body: strings.Repeat("0123456789", 10000), size: -1, limit: 1 << 20, first: pool},
		{name: "many chunks, over", body: strings.Repeat("0123456789", 10000), size: -1, limit: 99999, first: pool, wantOver: true},
		{name: "fits the pooled buffer", body: "{}", size: 2, limit: 100, first: pool},
		{name: "size larger than announced", body: strings.Repeat("x", 50), size: 10, limit: 100},
		{name: "empty", body: "", size: 0, limit: 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := iotest.HalfReader(strings.NewReader(tc.body))
			got, over, err := readBody(r, tc.size, tc.limit, tc.first)
			if err != nil {
				t.Fatal(err)
			}
			if over != tc.wantOver {
				t.Fatalf("over = %v, want %v", over, tc.wantOver)
			}
			if over {
				if len(got) == 0 || !strings.HasPrefix(tc.body, string(got)) {
					t.Fatalf("over, but the head %q is not the body's start", got)
				}
				return
			}
			if !bytes.Equal(got, []byte(tc.body)) {
				t.Fatalf("read %d bytes, want the %d-byte body", len(got), len(tc.body))
			}
		})
	}
}

func TestReadBodyReportsReadErrors(t *testing.T) {
	_, _, err := readBody(iotest.ErrReader(iotest.ErrTimeout), -1, 10, nil)
	if err != iotest.ErrTimeout {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}
