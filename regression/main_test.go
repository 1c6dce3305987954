package regression

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

// TestMain removes leftovers of dead test runs, then fails the package when a test leaves a goroutine or
// a container behind.
func TestMain(m *testing.M) { testmain.Run(m, nil) }
