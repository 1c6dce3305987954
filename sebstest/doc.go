// Package sebstest starts serverless function containers for tests and benchmarks, the way
// net/http/httptest starts HTTP servers: from a function's source (or an image) to a running, ready,
// measured [sebs.LocalFunction], and back to nothing.
//
// In a test, [New] starts a function and removes it when the test ends; [VerifyTestMain], called from
// the package's TestMain, removes what earlier test runs that were killed (by -timeout, Ctrl-C, SIGKILL:
// none of them runs t.Cleanup) left behind, and fails the run when a function outlives the tests:
//
//	func TestMain(m *testing.M) { sebstest.VerifyTestMain(m) }
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
// code package on the Python base image ([PythonImage], built locally from Debian packages), and
// [NodeFunction] one on the Node.js base image, built the same way; [Image] and [UpstreamImage] (upstream's
// Python and Node.js local images) run images already on the engine; [Fixture] is one of the built-in fixture
// functions. [LambdaFunction] (Go, aws-lambda-go) and [LambdaPythonFunction] run AWS Lambda functions unchanged
// under AWS's Runtime Interface Emulator, invoked through a [sebs.LambdaTrigger] whose results carry Lambda's
// provider times and billing from the container's REPORT lines. Nothing is pulled from a registry.
//
// Options: this package's [Option]s and testcontainers-go's own customizers (testcontainers.WithEnv,
// WithLabels, WithCmd, WithHostConfigModifier, WithWaitStrategy, …) go in one list; testcontainers' apply
// after ours. Every container has its ports on 127.0.0.1 only (none when it is invoked on its bridge
// address), the function config's memory limit, a PID
// limit, all capabilities dropped and no-new-privileges; readiness is [ForProtocol], a 2 ms poll of the
// function's protocol, unless the caller passes a wait strategy of their own.
//
// Addressing: with a local engine on Linux, a function is invoked on its container's own address on the
// engine's bridge network and its own port (172.17.0.x:9000), as upstream SeBS does, so no Docker proxy
// sits inside the measurement; readiness polls that address too. Where it is not reachable (Docker Desktop,
// a remote engine, a network whose gateway is not on this machine), or with [WithPublishedPort], the port
// published on the host is used instead, the reason logged to the progress writer. Each result's
// detail.address says which ("bridge" or "published"); a cold start moves the function to its new
// container's address. A container invoked on its bridge address is created with no published port, as
// upstream's are on Linux, when its image declares none (ours do not) and the caller exposes none: the
// proxy would cost every start and removal. Should its address not be reachable after all, it is started
// again with its port published, as are the function's later containers.
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
