//go:build linux

// Command remote-engine runs a command against a fresh Docker engine in a network namespace (see package
// netnsengine), then removes the engine:
//
//	go run ./internal/netnsengine/cmd/remote-engine -- go test -count=1 ./sebstest/
//
// The command runs with DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH and TESTCONTAINERS_HOST_OVERRIDE
// set for the engine, and remote-engine exits with its exit code. Without a command it prints the
// environment as export lines and keeps the engine until interrupted. With -sweep it only removes what
// dead runs left. It needs root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/gosebs/sebs/internal/netnsengine"
)

func main() {
	sweep := flag.Bool("sweep", false, "only remove engines, namespaces, veth pairs and directories that dead runs left")
	driver := flag.String("storage-driver", "", "the engine's storage driver (default overlay2)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: remote-engine [-sweep] [-storage-driver name] [-- command args...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	code, err := run(*sweep, *driver, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "remote-engine:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// run sweeps, or starts an engine and runs args against it (or waits for a signal), and closes it.
func run(sweepOnly bool, driver string, args []string) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if sweepOnly {
		removed, err := netnsengine.SweepStale(ctx)
		for _, r := range removed {
			fmt.Println("removed", r)
		}
		return 0, err
	}
	eng, err := netnsengine.Start(ctx, netnsengine.Options{StorageDriver: driver, Logf: func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, f+"\n", a...)
	}})
	if err != nil {
		return 1, err
	}
	t := eng.Timings()
	fmt.Fprintf(os.Stderr, "remote-engine: %s in namespace %s (publish ports on %s), daemon started in %s\n",
		eng.DockerHost(), eng.Namespace(), eng.IP(), t.Daemon.Round(1e6))
	code, runErr := 0, error(nil)
	if len(args) == 0 {
		for _, kv := range eng.Env() {
			fmt.Printf("export %s\n", kv)
		}
		fmt.Fprintln(os.Stderr, "remote-engine: the engine runs until interrupted (^C)")
		<-ctx.Done()
	} else {
		code, runErr = command(ctx, eng.Env(), args)
	}
	return code, errors.Join(runErr, eng.Close())
}

// command runs args with env added, passing on an interrupt, and returns its exit code.
func command(ctx context.Context, env, args []string) (int, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("start %s: %w", args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return exitCode(err)
	case <-ctx.Done():
		cmd.Process.Signal(os.Interrupt)
		return exitCode(<-done)
	}
}

// exitCode turns a Wait error into the code to exit with; only a failure to run is an error.
func exitCode(err error) (int, error) {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}
