// Package sebstest starts serverless function containers for tests and benchmarks, the way
// net/http/httptest starts HTTP servers: from a function's source (or an image) to a running, ready,
// measured [sebs.LocalFunction], and back to nothing.
//
// In a test, [New] starts a function and removes it when the test ends:
//
//	func TestSleep(t *testing.T) {
//		fn := sebstest.New(t, sebstest.GoFunction("./sleep"))
//		res, err := fn.Invoke(t.Context(), map[string]any{"sleep": 0.001})
//		...
//	}
//
// Outside a test, [Start] takes a context and returns an error; the caller stops the function.
//
// Sources: [GoFunction] compiles a Go main package statically on the host into an image FROM scratch,
// tagged by the hash of the binary, so an unchanged function is never rebuilt; [PythonFunction] mounts a
// code package on the Python base image ([PythonImage], built locally from Debian packages); [Image] and
// [UpstreamImage] run images already on the engine; [Fixture] is one of the built-in fixture functions.
// [LambdaFunction] (Go, aws-lambda-go) and [LambdaPythonFunction] run AWS Lambda functions unchanged under
// AWS's Runtime Interface Emulator, invoked through a [sebs.LambdaTrigger] whose results carry Lambda's
// provider times and billing from the container's REPORT lines. Nothing is pulled from a registry.
//
// Options: this package's [Option]s and testcontainers-go's own customizers (testcontainers.WithEnv,
// WithLabels, WithCmd, WithHostConfigModifier, WithWaitStrategy, …) go in one list; testcontainers' apply
// after ours. Every container has its ports on 127.0.0.1 only, the function config's memory limit, a PID
// limit, all capabilities dropped and no-new-privileges; readiness is [ForProtocol], a 2 ms poll of the
// function's protocol, unless the caller passes a wait strategy of their own.
//
// Measurement: every start times its phases ([sebs.Startup]: create, start, ready); [Function.ColdStart]
// and [Function.ColdInvoke] force cold starts (a new container, or a restart: [ColdMode]);
// [WithMemorySampling] samples the container's memory from its cgroup. Each function talks to Docker
// through one client, opened by Start and closed by [Function.Stop].
//
// Cleanup: everything created carries labels naming the process that created it. [VerifyTestMain], called
// from TestMain, removes what killed test processes left behind and fails the run when a container of this
// process outlives the tests, with or without testcontainers' Ryuk.
//
// Sibling packages: sebstest/bench runs go test -bench over started functions, in upstream SeBS's
// experiment modes, and records results; sebstest/golden compares results with golden files.
package sebstest
