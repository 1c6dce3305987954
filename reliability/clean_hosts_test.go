package reliability

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/dockertest"
	"github.com/gosebs/sebs/internal/owner"
)

// TestCleanCommandLeavesOtherHosts: `make clean` (go run ./cmd/sebs-clean) leaves alone a container that
// a process of another host sharing the engine owns (a dev container's or a CI job container's test),
// since whether that process still runs cannot be checked from here; -other-hosts removes it.
func TestCleanCommandLeavesOtherHosts(t *testing.T) {
	eng := dockertest.Engine(t)
	_, scope := caseLabel(t)
	other := dockertest.Start(t, eng, dockertest.Image(t, eng), map[string]string{
		owner.LabelManaged:    "true",
		owner.LabelOwnerPID:   strconv.Itoa(dockertest.DeadPID(t)),
		owner.LabelOwnerStart: "linux:another-boot:1",
		owner.LabelOwnerHost:  "ci-job.invalid",
		owner.LabelTestScope:  scope,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	clean := func(flags ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./cmd/sebs-clean", "-scope", scope}, flags...)...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		t.Logf("sebs-clean %v:\n%s", flags, out)
		if err != nil {
			t.Fatalf("sebs-clean %v: %v", flags, err)
		}
	}
	clean()
	if !dockertest.Exists(t, eng, other.ID) {
		t.Fatalf("sebs-clean without -other-hosts removed another host's container %.12s", other.ID)
	}
	clean("-other-hosts")
	if dockertest.Exists(t, eng, other.ID) {
		t.Errorf("sebs-clean -other-hosts left another host's container %.12s", other.ID)
	}
}
