package benchmarks

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/testmain"
	"github.com/gosebs/sebs/sebstest/bench"
)

// recorder receives every call when SEBS_RESULTS_DIR names a folder; nil otherwise. TestMain sets it once,
// before any benchmark runs, and closes it after the last.
var recorder *bench.Recorder

// suiteTime accounts for the suite's wall time; TestMain prints where it went.
var suiteTime timeAccount

// TestMain removes what killed earlier runs left behind, opens the results recorder, runs the benchmarks,
// writes the result files, says where the suite's wall time went, and fails the run when a goroutine or a
// container is left behind.
func TestMain(m *testing.M) {
	began := time.Now()
	rec, err := bench.RecorderFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	recorder = rec
	testmain.Run(m, func(code int) int {
		err := rec.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		} else if rec != nil {
			fmt.Fprintf(os.Stderr, "benchmarks: results written to %s\n", rec.Dir())
		}
		if s := suiteTime.summary(time.Since(began)); s != "" {
			fmt.Fprintln(os.Stderr, s)
		}
		return code
	})
}
