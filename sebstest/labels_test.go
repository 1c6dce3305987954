package sebstest

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLabels(t *testing.T) {
	l := Labels()
	if l[LabelManaged] != "true" {
		t.Errorf("Labels()[%s] = %q, want \"true\"", LabelManaged, l[LabelManaged])
	}
	if want := strconv.Itoa(os.Getpid()); l[LabelOwnerPID] != want {
		t.Errorf("Labels()[%s] = %q, want %q", LabelOwnerPID, l[LabelOwnerPID], want)
	}
	if h, _ := os.Hostname(); h != "" && l[LabelOwnerHost] != h {
		t.Errorf("Labels()[%s] = %q, want %q", LabelOwnerHost, l[LabelOwnerHost], h)
	}
	start := l[LabelOwnerStart]
	if runtime.GOOS == "linux" && !strings.HasPrefix(start, "linux:") {
		t.Errorf("Labels()[%s] = %q, want the linux:<boot id>:<ticks> form", LabelOwnerStart, start)
	}
	if start != Labels()[LabelOwnerStart] {
		t.Errorf("owner start identity changed between calls")
	}

	l["extra"] = "x"
	if _, ok := Labels()["extra"]; ok {
		t.Errorf("Labels() returned a shared map: a key added by the caller came back")
	}
}

func TestStartIdentityOtherProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("start identity of other processes is read from /proc, Linux only")
	}
	// The parent (go test) started before us: same boot, different ticks or at least a valid identity.
	ppid := strconv.Itoa(os.Getppid())
	id, err := procStartIdentity(ppid)
	if err != nil {
		t.Fatalf("procStartIdentity(parent %s): %v", ppid, err)
	}
	self := Labels()[LabelOwnerStart]
	boot := func(s string) string { return s[:strings.LastIndexByte(s, ':')] }
	if boot(id) != boot(self) {
		t.Errorf("boot part differs: parent %q, self %q", id, self)
	}
	if _, err := procStartIdentity("999999999"); err == nil {
		t.Errorf("procStartIdentity(nonexistent pid) succeeded, want an error")
	}
}

func TestStatStartTicks(t *testing.T) {
	// Command names may contain spaces and ')'.
	line := "1234 (a) b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 200 18446744073709551615\n"
	got, err := statStartTicks([]byte(line))
	if err != nil || got != "987654" {
		t.Errorf("statStartTicks = %q, %v, want \"987654\", nil", got, err)
	}
	for _, bad := range []string{"", "1234 (x) S 1 2", "1234 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x"} {
		if got, err := statStartTicks([]byte(bad)); err == nil {
			t.Errorf("statStartTicks(%q) = %q, nil, want an error", bad, got)
		}
	}
}

func TestStartIdentityFallback(t *testing.T) {
	at := time.Unix(0, 42)
	if runtime.GOOS == "linux" {
		// A pid that cannot exist makes /proc fail, so the fallback is used.
		if got := startIdentity("999999999", at); got != "time:42" {
			t.Errorf("startIdentity(nonexistent) = %q, want \"time:42\"", got)
		}
	}
}
