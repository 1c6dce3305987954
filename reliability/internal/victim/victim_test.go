package victim

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// TestVictim starts two sleep functions through sebstest.New (whose t.Cleanup would remove them, if the
// process lived to run it), prints their container IDs, and blocks until stdin is closed. Env
// SEBS_VICTIM_LABEL ("key=value") is added to the containers' labels, so the killer can find them.
func TestVictim(t *testing.T) {
	if os.Getenv("SEBS_VICTIM") != "1" {
		t.Skip("a program for package reliability to kill; runs only with SEBS_VICTIM=1")
	}
	labels := map[string]string{}
	if k, v, ok := strings.Cut(os.Getenv("SEBS_VICTIM_LABEL"), "="); ok {
		labels[k] = v
	}
	for range 2 {
		fn := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo), testcontainers.WithLabels(labels))
		fmt.Println(ContainerLine + fn.ContainerID())
	}
	fmt.Println(ReadyLine)
	_, _ = io.Copy(io.Discard, os.Stdin) // block until the killer closes stdin, or kills us
}
