package sebstest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// Start a built-in fixture outside a test, invoke it, and stop it. (Examples that need a Docker engine
// are compiled, not run, by go test.)
func ExampleStart() {
	ctx := context.Background()
	fn, err := sebstest.Start(ctx, sebstest.Fixture("sleep", sebs.LanguageGo),
		sebstest.WithConfig(sebs.FunctionConfig{Timeout: 10, Memory: 128}))
	if err != nil {
		log.Fatal(err)
	}
	defer fn.Stop(ctx)

	res, err := fn.Invoke(ctx, map[string]any{"sleep": 0.01})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cold:", res.Stats.ColdStart, "client:", res.Times.ClientDuration(), "startup:", fn.Startup().Total())
}

// ColdInvoke forces a cold start (by default a new container from the same image) and measures its
// phases up to the first byte of the first response.
func ExampleFunction_ColdInvoke() {
	ctx := context.Background()
	fn, err := sebstest.Start(ctx, sebstest.Fixture("sleep", sebs.LanguageGo), sebstest.WithColdMode(sebstest.ColdReplace))
	if err != nil {
		log.Fatal(err)
	}
	defer fn.Stop(ctx)
	res, st, err := fn.ColdInvoke(ctx, map[string]any{"sleep": 0})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cold:", res.Stats.ColdStart, "create:", st.Create, "start:", st.Start, "ready:", st.Ready, "first byte:", st.FirstByte)
}

// UpstreamImage runs a SeBS benchmark's code package (the directory upstream SeBS builds for a function:
// function/function.py, templates, .python_packages) on an upstream SeBS local image you have already built
// from upstream's dockerfiles/local, as upstream's local platform starts it.
func ExampleUpstreamImage() {
	ctx := context.Background()
	src := sebstest.UpstreamImage("spcleth/serverless-benchmarks:run.local.python.3.11", "/path/to/code-package")
	fn, err := sebstest.Start(ctx, src, sebstest.WithConfig(sebs.FunctionConfig{Timeout: 10, Memory: 256}))
	if err != nil {
		log.Fatal(err)
	}
	defer fn.Stop(ctx)

	res, err := fn.Invoke(ctx, map[string]any{"username": "testname", "random_len": 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("client:", res.Times.ClientDuration())
}
