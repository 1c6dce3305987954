// Package reliability holds the tests that show the harness loses nothing and leaves nothing behind
// (issue 6): every misbehaviour of a function gives its own error within the configured timeout; test
// runs killed by SIGINT, SIGKILL or a -timeout panic leave no container the next run's sweep does not
// remove; a sustained load neither fails nor leaks goroutines or file descriptors; and the containers
// start with the security defaults the README promises.
//
// The package has no exported API: its tests are the point. README.md in this directory lists each
// guarantee with the test that proves it. The tests need a Docker engine; under CI=true a missing
// engine fails them rather than skipping them.
package reliability
