package gate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs/internal/gate/gatetest"
)

// tinyRounds makes the tiny comparisons robust to a machine loaded by make test's other packages: with 6
// rounds of 20 ms samples, bursts of load made unchanged code "regress" by 40% (p = 0.04) and hid a
// threefold slowdown (p = 0.07). The slowdown test now looks for a tenfold one; the unchanged-code test
// takes samples five times as long (unchangedBenchtime), which bursts cannot tilt as easily.
const (
	tinyRounds         = 10
	unchangedBenchtime = "100x"
)

// tinyOptions compares the tiny repository's working tree against its commit, quickly.
func tinyOptions(t *testing.T, dir string) Options {
	var progress strings.Builder
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("progress:\n%s", progress.String())
		}
	})
	return Options{
		Dir: dir, Base: "HEAD", Package: gatetest.Package, Bench: ".", Count: tinyRounds, Benchtime: "20x",
		OutDir: filepath.Join(t.TempDir(), "out"), Gate: DefaultConfig(), Progress: &progress,
	}
}

// TestRunFindsTenTimesSlowerCode: the slowdown is ten-fold, not two or three, so that a loaded CI machine's
// bursts (which slowed single base rounds 3x beside an image build) cannot make the samples overlap.
func TestRunFindsTenTimesSlowerCode(t *testing.T) {
	dir := gatetest.Repo(t)
	gatetest.WriteFile(t, filepath.Join(dir, "work.go"), gatetest.WorkSource(10*gatetest.BaseSpins))
	rep, err := Run(t.Context(), tinyOptions(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	reg := rep.Regressions()
	if len(reg) != 1 || reg[0].Benchmark != "Work" || reg[0].Unit != "sec/op" {
		t.Fatalf("regressions = %v, want Work sec/op (all verdicts: %v)", reg, rep.Verdicts)
	}
	if reg[0].Delta < 1 {
		t.Errorf("a 10x slower function measured %+.0f%%, want above +100%%", 100*reg[0].Delta)
	}
	if code := verdictsExitCode(rep); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	assertWorktreesRemoved(t, dir)
}

func TestRunPassesUnchangedCode(t *testing.T) {
	dir := gatetest.Repo(t)
	o := tinyOptions(t, dir)
	o.Benchtime = unchangedBenchtime
	rep, err := Run(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Verdicts) != 1 || rep.Verdicts[0].N1 != tinyRounds || rep.Verdicts[0].N2 != tinyRounds {
		t.Fatalf("verdicts = %v, want one for BenchmarkWork sec/op with %d samples a side", rep.Verdicts, tinyRounds)
	}
	if reg := rep.Regressions(); len(reg) != 0 {
		t.Fatalf("unchanged code regressed: %v", reg)
	}
	for _, f := range []string{rep.BaseFile, rep.HeadFile} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "BenchmarkWork"); n != tinyRounds {
			t.Errorf("%s has %d results, want %d", f, n, tinyRounds)
		}
	}
	assertWorktreesRemoved(t, dir)
}

// verdictsExitCode is the command's exit status for a report: 1 when a gated metric regressed.
func verdictsExitCode(rep *Report) int {
	if len(rep.Regressions()) > 0 {
		return 1
	}
	return 0
}

func TestRunErrorsSayWhatToDo(t *testing.T) {
	dir := gatetest.Repo(t)
	cases := []struct {
		name string
		edit func(o *Options)
		want string
	}{
		{"unknown base", func(o *Options) { o.Base = "origin/nope" }, `base revision "origin/nope" not found`},
		{"package missing in base", func(o *Options) {
			gatetest.AddBenchPackage(t, dir, "newbench")
			o.Package = "./newbench"
		}, "has no package directory newbench"},
		{"no benchmark matched", func(o *Options) { o.Bench = "^BenchmarkNothing$" }, `-bench "^BenchmarkNothing$" matched no benchmark`},
		{"too few rounds", func(o *Options) { o.Count = 3 }, "-count 3 is too few"},
		{"no such package", func(o *Options) { o.Package = "./missing" }, `find the benchmark package "./missing"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := tinyOptions(t, dir)
			c.edit(&o)
			_, err := Run(t.Context(), o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
			assertWorktreesRemoved(t, dir)
		})
	}
}

func TestRunWithoutGit(t *testing.T) {
	dir := gatetest.Repo(t)
	t.Setenv("PATH", t.TempDir())
	_, err := Run(t.Context(), tinyOptions(t, dir))
	if err == nil || !strings.Contains(err.Error(), "git is not on PATH") || !strings.Contains(err.Error(), "sebs-gate compare") {
		t.Fatalf("error = %v, want git is not on PATH with the compare alternative", err)
	}
}

func TestRunRemovesWorktreeWhenCancelled(t *testing.T) {
	dir := gatetest.Repo(t)
	ctx, cancel := context.WithCancel(t.Context())
	o := tinyOptions(t, dir)
	o.Progress = cancelOnRound{cancel}
	_, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	assertWorktreesRemoved(t, dir)
}

// cancelOnRound cancels the run when the first round is reported, so the second round is interrupted.
type cancelOnRound struct{ cancel context.CancelFunc }

func (c cancelOnRound) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "round 1 of") {
		c.cancel()
	}
	return len(p), nil
}

// assertWorktreesRemoved fails if git still lists a work tree besides the repository's own.
func assertWorktreesRemoved(t *testing.T, dir string) {
	t.Helper()
	if n := gatetest.Worktrees(t, dir); n != 1 {
		t.Errorf("git lists %d work trees after the run, want 1 (the repository's own)", n)
	}
}
