package bench

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// envQuietVictim makes BenchmarkQuietVictim run: TestBenchmarkOutputIsQuiet runs it in a child process.
const envQuietVictim = "SEBS_TEST_QUIET_VICTIM"

// BenchmarkQuietVictim is run by TestBenchmarkOutputIsQuiet in a child process: a passing benchmark and
// one whose validation fails inside the loop.
func BenchmarkQuietVictim(b *testing.B) {
	if os.Getenv(envQuietVictim) != "1" {
		b.Skip("run by TestBenchmarkOutputIsQuiet")
	}
	fn := sebstest.New(b, sebstest.Fixture("sleep", sebs.LanguageGo))
	fns := []*sebstest.Function{fn}
	b.Run("ok", func(b *testing.B) {
		Run(b, fns, Spec{Mode: ModeSequential, Payload: sleepZero, Validate: sleepValid})
	})
	b.Run("fails", func(b *testing.B) {
		calls := 0
		Run(b, fns, Spec{Mode: ModeSequential, Payload: sleepZero, Validate: func(json.RawMessage) error {
			if calls++; calls > 1 { // fail inside the loop, not at the warm-up call
				return errors.New("planted failure")
			}
			return nil
		}})
	})
}

// TestBenchmarkOutputIsQuiet (issue 11): a normal go test -bench run prints the benchmark lines and
// nothing of testcontainers (no banner, no per-container lines) and no "--- BENCH" log blocks; a failure
// inside the loop names the benchmark's line, not one of this package (it was bench_modes.go:138).
func TestBenchmarkOutputIsQuiet(t *testing.T) {
	sebstest.RequireDocker(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkQuietVictim$", "-test.benchtime=3x")
	cmd.Env = append(os.Environ(), envQuietVictim+"=1")
	out, _ := cmd.CombinedOutput()
	text := string(out)
	t.Logf("child output:\n%s", text)
	if !regexp.MustCompile(`(?m)^BenchmarkQuietVictim/ok\S*\s+3\s+\d+ ns/op`).MatchString(text) {
		t.Fatalf("no benchmark line for the passing benchmark")
	}
	for _, noise := range []string{"--- BENCH", "Connected to docker", "testcontainers", "🐳", "sebstest: started"} {
		if strings.Contains(text, noise) {
			t.Errorf("output holds %q; a normal run keeps to the benchmark lines", noise)
		}
	}
	if !regexp.MustCompile(`quiet_test\.go:\d+: bench: sequential mode, call of sleep .*planted failure`).MatchString(text) {
		t.Errorf("the failure is not reported at the benchmark's line in quiet_test.go")
	}
	if strings.Contains(text, "modes.go:") {
		t.Errorf("the failure names a line inside package bench")
	}
}
