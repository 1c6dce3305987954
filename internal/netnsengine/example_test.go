//go:build linux

package netnsengine_test

import (
	"context"
	"log"
	"os"
	"os/exec"

	"github.com/gosebs/sebs/internal/netnsengine"
)

// Run go test against a fresh engine: builds go to it, containers run on it, and their ports are
// published and called on its address. (Compiled, not run: it needs root.)
func Example() {
	ctx := context.Background()
	eng, err := netnsengine.Start(ctx, netnsengine.Options{})
	if err != nil {
		log.Fatal(err) // errors.Is(err, netnsengine.ErrUnsupported): not root, or a program missing
	}
	defer eng.Close()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "./sebstest/")
	cmd.Env = append(os.Environ(), eng.Env()...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Print(err)
	}
}
