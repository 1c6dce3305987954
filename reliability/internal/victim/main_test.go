package victim

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

// TestMain is the repository's own, so a victim that ends normally also checks, as every container
// package does, that it leaves no goroutine and no container behind (with or without the reaper).
func TestMain(m *testing.M) { testmain.Run(m, nil) }
