package minioimage_test

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

// TestMain sweeps what dead test runs left, and fails the package if a test leaves a goroutine or a
// container of this process behind.
func TestMain(m *testing.M) { testmain.Run(m, nil) }
