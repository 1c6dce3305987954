package victim

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// TestStorageVictim starts a storage server and a Go thumbnailer on it (issue 14), prints the two
// container IDs, calls the function over and over (a benchmark in progress) and blocks until stdin is
// closed, so that package reliability can kill it mid-benchmark and check that the next sweep leaves no
// server, function, network or volume behind.
func TestStorageVictim(t *testing.T) {
	if os.Getenv("SEBS_VICTIM") != "1" {
		t.Skip("a program for package reliability to kill; runs only with SEBS_VICTIM=1")
	}
	st := sebstest.NewStorage(t)
	b, err := fixtures.Lookup("thumbnailer")
	if err != nil {
		t.Fatal(err)
	}
	input, err := st.Prepare(t.Context(), b, fixtures.SizeTest)
	if err != nil {
		t.Fatal(err)
	}
	fn := sebstest.New(t, sebstest.Fixture("thumbnailer", sebs.LanguageGo), sebstest.WithStorage(st))
	if _, err := fn.Invoke(t.Context(), input); err != nil {
		t.Fatal(err)
	}
	fmt.Println(ContainerLine + st.ContainerID())
	fmt.Println(ContainerLine + fn.ContainerID())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			_, _ = fn.Invoke(ctx, input)
		}
	}()
	fmt.Println(ReadyLine)
	_, _ = io.Copy(io.Discard, os.Stdin) // block until the killer closes stdin, or kills us
	cancel()
	<-done
}
