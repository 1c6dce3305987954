package benchmarks

import (
	"testing"

	"github.com/gosebs/sebs/sebstest/bench"
)

// TestFirstStart: a language whose first mode is cold or burst gets no first container (its first
// iteration would remove it untimed); one whose first mode calls the container gets it.
func TestFirstStart(t *testing.T) {
	for mode, want := range map[bench.Mode]int{bench.ModeCold: 1, bench.ModeBurst: 1, bench.ModeWarm: 0, bench.ModeSequential: 0} {
		if got := len(firstStart(mode)); got != want {
			t.Errorf("firstStart(%s): %d options, want %d", mode, got, want)
		}
	}
}
