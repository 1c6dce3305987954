// Package victim is a test program for package reliability: its one test, run only when SEBS_VICTIM=1,
// starts two function containers, prints their IDs and blocks until its standard input closes, so that
// reliability's tests can kill it (SIGINT, SIGKILL, a -test.timeout panic) while it owns containers,
// as a developer's Ctrl-C or CI's timeout kills a real test run.
package victim

// Lines the victim prints on standard output.
const (
	// ContainerLine starts a line that names one of its containers: "VICTIM-CONTAINER <id>".
	ContainerLine = "VICTIM-CONTAINER "
	// ReadyLine says that all containers are up and the victim now blocks.
	ReadyLine = "VICTIM-READY"
)
