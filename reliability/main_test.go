package reliability

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

// TestMain removes leftovers of dead test runs, then fails the package when a test leaves a goroutine
// behind (the Docker client's idle connections are not ours to close) or when a container this process
// created is still there after the last test.
func TestMain(m *testing.M) { testmain.Run(m, nil) }
