package serve

import (
	"testing"
	"time"
)

func TestRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if !uuid4RE.MatchString(id) {
			t.Fatalf("newRequestID() = %q, not a canonical uuid4", id)
		}
		if seen[id] {
			t.Fatalf("newRequestID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestContainerID(t *testing.T) {
	if a, b := newContainerID(), newContainerID(); !hex12RE.MatchString(a) || a == b {
		t.Fatalf("newContainerID() = %q, %q; want two different 12-hex-char ids", a, b)
	}
}

func TestEpochMicros(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1735787045, 100000999), "1735787045.100000"},
		{time.Unix(1735787045, 1000), "1735787045.000001"},
		{time.Unix(0, 0), "0.000000"},
		{time.Unix(-1, 500000000), "-1.500000"},
	} {
		if got := epochMicros(c.t); got != c.want {
			t.Errorf("epochMicros(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}
