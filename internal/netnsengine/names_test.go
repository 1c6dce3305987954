//go:build linux

package netnsengine

import (
	"os"
	"testing"
)

func TestNames(t *testing.T) {
	me, err := self()
	if err != nil {
		t.Fatal(err)
	}
	if !me.alive() {
		t.Fatal("this process is not alive by its own owner record")
	}
	n := resourceName{index: 7, owner: me}
	for _, s := range []string{n.String(), n.String() + "-12345"} {
		got, ok := parseName(s)
		if !ok || got != n {
			t.Errorf("parseName(%q) = %+v, %v; want %+v", s, got, ok, n)
		}
	}
	for _, s := range []string{"sebs-netns-", "sebs-netns-300-1-2", "sebs-netns-1-x-2", "docker0", "sebs-netns-1-2-3-4-5"} {
		if _, ok := parseName(s); ok {
			t.Errorf("parseName(%q) accepted a name that is not ours", s)
		}
	}
	if i, ok := parseVeth(n.hostVeth()); !ok || i != 7 || len(n.hostVeth()) > 15 {
		t.Errorf("host veth %q: index %d, %v; want 7 and at most 15 characters", n.hostVeth(), i, ok)
	}
	if _, ok := parseVeth(vethName(255) + "x"); ok {
		t.Error("parseVeth accepted a name that is not ours")
	}
	dead := owner{pid: os.Getpid(), start: me.start + "0"}
	if dead.alive() {
		t.Error("an owner with this PID but another start time counts as alive")
	}
}

func TestParseStat(t *testing.T) {
	line := []byte("42 (a (weird) name) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 100000 200 18446744073709551615")
	state, ticks, err := parseStat(line)
	if err != nil || state != "S" || ticks != "987654" {
		t.Errorf("parseStat = %q, %q, %v; want S, 987654", state, ticks, err)
	}
	if _, _, err := parseStat([]byte("42 (x) S 1")); err == nil {
		t.Error("parseStat accepted a short line")
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/tmp/a\040b`); got != "/tmp/a b" {
		t.Errorf("unescapeMount = %q, want %q", got, "/tmp/a b")
	}
}
