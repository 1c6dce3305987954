package owner

import (
	"os"
	"os/exec"
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

// deadPID returns the ID of a process that has exited (and been reaped), as a dead owner.
func deadPID(t testing.TB) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run true: %v", err)
	}
	return cmd.Process.Pid
}

// ownerLabels returns our labels for a made-up owner.
func ownerLabels(pid int, start, host string) map[string]string {
	return map[string]string{LabelManaged: "true", LabelOwnerPID: strconv.Itoa(pid), LabelOwnerStart: start, LabelOwnerHost: host}
}

func TestOf(t *testing.T) {
	self := Labels()
	host, start := self[LabelOwnerHost], self[LabelOwnerStart]
	if st, why := Of(self, host, start); st != Alive {
		t.Errorf("Of(this process) = %v (%s), want alive", st, why)
	}
	if st, why := Of(ownerLabels(os.Getpid(), "linux:other:1", host), host, start); st != Gone {
		t.Errorf("Of(our pid, other start) = %v (%s), want gone", st, why)
	}
	dead := deadPID(t)
	if st, why := Of(ownerLabels(dead, start, host), host, start); st != Gone {
		t.Errorf("Of(dead pid) = %v (%s), want gone", st, why)
	}
	if st, why := Of(ownerLabels(dead, "time:1", host), host, start); st != Gone {
		t.Errorf("Of(dead pid, fallback start) = %v (%s), want gone", st, why)
	}
	if st, why := Of(ownerLabels(os.Getppid(), "time:1", host), host, start); st != Alive {
		t.Errorf("Of(live pid, unverifiable start) = %v (%s), want alive", st, why)
	}
	if st, _ := Of(ownerLabels(dead, start, "elsewhere"), host, start); st != Unknown {
		t.Errorf("Of(other host) = %v, want unknown", st)
	}
	if st, _ := Of(map[string]string{LabelOwnerHost: host, LabelOwnerPID: "x"}, host, start); st != Unknown {
		t.Errorf("Of(bad pid) = %v, want unknown", st)
	}
	if Host() != host || Self() != start {
		t.Errorf("Host() = %q, Self() = %q, want %q, %q", Host(), Self(), host, start)
	}
}
