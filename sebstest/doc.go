// Package sebstest starts serverless function containers for tests and benchmarks, the way
// net/http/httptest starts HTTP servers: from a function's source (or an image) to a running, ready,
// measured [sebs.LocalFunction], and back to nothing.
//
// Images are built locally (no registry is needed): a Go function is compiled statically on the host and
// copied into an image FROM scratch, tagged by the hash of the binary so an unchanged function is never
// rebuilt. Containers are started through testcontainers-go with ports published on 127.0.0.1 only, the
// function config's memory, CPU and timeout applied, all capabilities dropped, and readiness polled every
// few milliseconds. Everything created carries this package's labels, so [Sweep] can remove what a killed
// test process left behind, with or without testcontainers' Ryuk.
//
// In a test:
//
//	fn := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo))
//	res, err := fn.Invoke(ctx, map[string]any{"sleep": 0.01})
//
// Outside a test, [Start] takes a context and returns an error; the caller stops the function.
package sebstest
