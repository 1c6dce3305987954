// Command sebs-clean removes the containers, networks and untagged images that sebstest created on this
// host and that no running test process owns (see internal/sweep.All). `make clean` runs it.
//
// Usage:
//
//	go run ./cmd/sebs-clean [-n] [-force] [-other-hosts] [-images] [-timeout d] [-v]
//
//	-n            only list what would be removed
//	-force        also remove what running test processes own (kills their containers)
//	-other-hosts  also remove what processes of other hosts sharing this engine created (a dev container,
//	              a CI job container): whether they still run cannot be checked from here, so this can
//	              kill a test running next door; without it they are left alone
//	-images       also remove the function images kept for reuse (they are rebuilt on the next run)
//	-v            show testcontainers-go's connection log
//
// A container that merely runs one of our images (docker run sebs-go-sleep:…) inherits the image's labels
// but was not created by sebstest: it is never removed, whatever the flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/internal/sweep"
)

func main() {
	var opts sweep.Options
	flag.BoolVar(&opts.DryRun, "n", false, "only list what would be removed")
	flag.BoolVar(&opts.Force, "force", false, "also remove what running test processes own")
	flag.BoolVar(&opts.OtherHosts, "other-hosts", false, "also remove what other hosts sharing this engine created (their owners cannot be checked from here)")
	flag.BoolVar(&opts.Images, "images", false, "also remove the function images kept for reuse")
	flag.StringVar(&opts.Scope, "scope", "", "only the resources of this test scope (label "+owner.LabelTestScope+"); without it, those are left alone")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	verbose := flag.Bool("v", false, "show testcontainers-go's connection log")
	flag.Parse()
	if !*verbose {
		tclog.SetDefault(tclog.NewNoopLogger())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	eng, err := engine.Open(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sebs-clean: %v\n", err)
		os.Exit(1)
	}
	defer eng.Close()
	rep, err := sweep.All(ctx, eng, opts)
	verb := "removed"
	if opts.DryRun {
		verb = "would remove"
	}
	if rep.Len() == 0 {
		fmt.Printf("sebs-clean: %s nothing\n", verb)
	} else {
		fmt.Printf("sebs-clean: %s %d resources:\n%s", verb, rep.Len(), rep)
	}
	if err != nil {
		eng.Close() // os.Exit skips the deferred Close
		fmt.Fprintf(os.Stderr, "sebs-clean: %v\n", err)
		os.Exit(1)
	}
}
