// Command minio-image builds the MinIO server image that object storage runs on (see package minioimage),
// unless the Docker engine has it already, showing the build's progress:
//
//	go run ./internal/minioimage/cmd/minio-image
//
// make test and make bench run it before any test, so the first build on a machine (about 12 minutes on
// two cores, from the Go module proxy) happens once, in the open, and counts against no test's timeout.
// It prints the image's tag.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/internal/owner"
)

func main() {
	timeout := flag.Duration("timeout", 40*time.Minute, "give up on the build after this long")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "minio-image:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return fmt.Errorf("connect to the Docker engine (DOCKER_HOST): %w", err)
	}
	defer cli.Close()
	tag, err := minioimage.Image(ctx, cli, minioimage.ImageOptions{Labels: owner.Labels(), Progress: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Println(tag)
	return nil
}
