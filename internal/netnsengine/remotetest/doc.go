// Package remotetest runs sebstest's Docker integration tests and one benchmark against a remote Docker
// engine: a fresh engine of package netnsengine, in a network namespace of its own, reached over TCP and
// TLS through a veth pair (make test-remote; make test runs it too).
//
// The package has tests only. TestSuiteOnRemoteEngine compiles the test binaries of sebstest,
// sebstest/bench, internal/cgroupmem, internal/sweep and benchmarks on this side, runs each with the
// engine's environment (netnsengine.Engine.Env: DOCKER_HOST, TLS, TESTCONTAINERS_HOST_OVERRIDE and
// SEBS_PUBLISH_IP set to the engine's address), and checks what must hold on a remote engine: a function
// started from the test process has its trigger URL and published port on the engine's address (not
// 127.0.0.1) and its memory sampled through Docker stats; the tests pass (the Python ones on the Python
// image copied from the local engine); the function images were built on the remote engine; cold-mode
// benchmarks report memory; nothing of the runs is left on the remote engine, and none of their work
// reached the machine's own engine; the namespace, veth pair and daemon are gone after the test, which
// closes the engine in a cleanup, so also when it fails.
package remotetest
