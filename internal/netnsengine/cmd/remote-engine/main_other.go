//go:build !linux

// Command remote-engine needs Linux: it runs a Docker engine in network namespaces of its own.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "remote-engine: needs Linux (network namespaces); this is %s\n", runtime.GOOS)
	os.Exit(2)
}
