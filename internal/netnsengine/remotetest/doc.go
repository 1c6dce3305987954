// Package remotetest runs sebstest's Docker integration tests and one benchmark against a remote Docker
// engine: a fresh engine of package netnsengine, in a network namespace of its own, reached over TCP and
// TLS through a veth pair (make test-remote; make test runs it too).
//
// The package has tests only. TestSuiteOnRemoteEngine compiles the test binaries of sebstest,
// sebstest/bench, internal/cgroupmem, internal/sweep and benchmarks on this side, runs each with the
// engine's environment (netnsengine.Engine.Env: DOCKER_HOST, TLS, TESTCONTAINERS_HOST_OVERRIDE and
// SEBS_PUBLISH_IP set to the engine's address), and checks what must hold on a remote engine: the tests
// pass, the function images were built on the remote engine, nothing of the runs is left on it, and none
// of their work reached the machine's own engine.
package remotetest
