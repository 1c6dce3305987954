// Package lambdaimage packs AWS Lambda functions into images that run them locally, unchanged, under
// AWS's Lambda Runtime Interface Emulator, which serves Lambda's Invoke API on port 8080:
//   - [Build]: a function written in Go (a main package calling lambda.Start from
//     github.com/aws/aws-lambda-go), FROM scratch, the emulator at /aws-lambda-rie, the function's static
//     binary at /var/task/bootstrap, user 65534;
//   - [BuildPython]: the image for Python functions (handler(event, context)) on a Python base image, the
//     emulator running this module's bootstrap (package fixtures/lambda/python), the code mounted at
//     /var/task.
//
// The emulator is built from source (the Go module proxy) once per machine and version, and cached in
// the user's cache directory; images are tagged by the hash of what they hold, so an unchanged
// function is never packed twice.
package lambdaimage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gosebs/sebs/internal/files"
)

// EmulatorPackage is the Go package of AWS's Lambda Runtime Interface Emulator.
const EmulatorPackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// EmulatorVersion is the emulator version built: a pseudo-version, as the module proxy serves no tag
// of it (the tagged v1.23.0 is not served).
const EmulatorVersion = "v0.0.0-20261030222936-bef5c4ba774d"

// emulatorName is the binary's name, as go install names it.
const emulatorName = "aws-lambda-rie"

// Emulator returns the path of the emulator binary for linux/goarch, building it with
// `go install EmulatorPackage@EmulatorVersion` (cgo off, so it is static) when this machine has not
// built it yet. Progress lines go to progress. Builds are cached in
// <user cache dir>/gosebs/lambda-rie/<version>/linux-<goarch>; processes that need it at once build it once
// (the others wait on a file lock beside the cache directory), into a directory renamed into place.
func Emulator(ctx context.Context, goarch string, progress io.Writer) (string, error) {
	if goarch != runtime.GOARCH {
		return "", fmt.Errorf("build the Lambda emulator for %s: go install cannot cross-compile into a directory of "+
			"ours and this process runs on %s; run on a %s machine, or use a Docker engine of this machine's architecture",
			goarch, runtime.GOARCH, goarch)
	}
	dir, err := emulatorDir(goarch)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, emulatorName)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build the Lambda emulator: no go command on PATH (install Go or put it on PATH): %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("build the Lambda emulator: make its cache directory: %w", err)
	}
	// One build per machine: other processes wait for it rather than build it again beside it.
	unlock, err := files.LockContext(ctx, dir+".lock", 20*time.Second, func(waited time.Duration) {
		fmt.Fprintf(progress, "lambdaimage: waiting for another process's build of the Lambda emulator (%s so far)\n", waited.Round(time.Second))
	})
	if err != nil {
		return "", fmt.Errorf("build the Lambda emulator: wait for another build of it: %w", err)
	}
	defer unlock()
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil // built by the process that held the lock
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".build-")
	if err != nil {
		return "", fmt.Errorf("build the Lambda emulator: %w", err)
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(progress, "lambdaimage: building AWS's Lambda Runtime Interface Emulator %s (once per machine)\n", EmulatorVersion)
	began := time.Now()
	cmd := exec.CommandContext(ctx, goBin, "install", "-trimpath", "-ldflags=-s -w", EmulatorPackage+"@"+EmulatorVersion)
	cmd.Dir = tmp // outside any module: go install pkg@version ignores the current one anyway
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOBIN="+tmp, "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the Lambda emulator: go install %s@%s: %w\n%s\n(it needs the Go module proxy, "+
			"or the module in GOMODCACHE)", EmulatorPackage, EmulatorVersion, err, strings.TrimSpace(stderr.String()))
	}
	// The directory holds only the binary: renaming it into place is atomic, and a concurrent build
	// that renamed first wins.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(bin); statErr != nil {
			return "", fmt.Errorf("build the Lambda emulator: move it into the cache: %w", err)
		}
	}
	fmt.Fprintf(progress, "lambdaimage: built the Lambda emulator in %s (%s)\n", time.Since(began).Round(time.Millisecond), bin)
	return bin, nil
}

// emulatorDir is the cache directory of the emulator built for linux/goarch.
func emulatorDir(goarch string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "gosebs", "lambda-rie", EmulatorVersion, "linux-"+goarch), nil
}
