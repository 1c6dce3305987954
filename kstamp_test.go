package sebs

import (
	"net"
	"testing"
	"time"
)

func TestKstampsDurations(t *testing.T) {
	start := time.Unix(100, 0)
	s := kstamps{Start: start, Established: start.Add(20 * time.Microsecond), FirstByte: start.Add(300 * time.Microsecond), Fresh: true}
	if fb, ok := s.firstByte(); !ok || fb != 300*time.Microsecond {
		t.Errorf("firstByte = %v, %v; want 300µs, true", fb, ok)
	}
	if up, ok := s.startup(); !ok || up != 20*time.Microsecond {
		t.Errorf("startup = %v, %v; want 20µs, true", up, ok)
	}
	for name, bad := range map[string]kstamps{
		"no first byte":           {Start: start},
		"no start":                {FirstByte: start},
		"first byte before start": {Start: start, FirstByte: start.Add(-time.Microsecond)},
	} {
		if fb, ok := bad.firstByte(); ok {
			t.Errorf("%s: firstByte = %v, true; want false", name, fb)
		}
	}
	if up, ok := (kstamps{Start: start}).startup(); ok {
		t.Errorf("reused connection: startup = %v, true; want false", up)
	}
}

func TestKstampMarkIgnoresOtherConns(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	kc := kstampMark(a)
	if kc != nil {
		t.Fatalf("kstampMark(net.Pipe) = %v, want nil", kc)
	}
	if st, ok := kc.stamps(); ok {
		t.Errorf("a nil kstampConn reported stamps %+v", st)
	}
}
