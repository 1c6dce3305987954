package serve

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes of [Main].
const (
	ExitOK     = 0 // stopped by SIGTERM/SIGINT after in-flight calls finished
	ExitServe  = 1 // could not listen, or in-flight calls outlived ShutdownGrace
	ExitBadEnv = 2 // PORT or SEBS_MAX_BODY_BYTES is malformed
)

// Main serves h with the SeBS protocol on PORT (default 9000) on all interfaces, with the body limit from
// SEBS_MAX_BODY_BYTES, until SIGTERM or SIGINT; it then lets in-flight calls finish for up to [ShutdownGrace]
// and exits the process with [ExitOK]. It prints a message to standard error and exits with [ExitBadEnv] if
// the environment is malformed, or [ExitServe] if it cannot listen or calls outlive the grace period. It
// never returns.
func Main(h Handler) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	addr, err := EnvAddr()
	if err != nil {
		exit(ExitBadEnv, err)
	}
	opts, err := EnvOptions()
	if err != nil {
		exit(ExitBadEnv, err)
	}
	s := NewServer(h, opts...)
	fmt.Fprintf(os.Stderr, "serve: container %s listening on %s\n", s.ContainerID(), addr)
	if err := ListenAndServe(ctx, addr, s); err != nil {
		exit(ExitServe, err)
	}
	fmt.Fprintf(os.Stderr, "serve: container %s stopped\n", s.ContainerID())
	os.Exit(ExitOK)
}

func exit(code int, err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(code)
}
