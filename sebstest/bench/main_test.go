package bench

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

// TestMain sweeps dead test processes' leftovers, and fails the package when a test leaves a container
// or a goroutine behind.
func TestMain(m *testing.M) { testmain.Run(m, nil) }
