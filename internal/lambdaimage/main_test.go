package lambdaimage_test

import (
	"testing"

	"github.com/gosebs/sebs/internal/testmain"
)

func TestMain(m *testing.M) { testmain.Run(m, nil) }
