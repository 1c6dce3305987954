package minioimage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"time"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/moby/moby/client"
)

// Repo is the repository of the server image; the tag is the version.
const Repo = "sebs-minio"

// Tag returns the image reference for a server version ("" means Version).
func Tag(version string) string {
	if version == "" {
		version = Version
	}
	return Repo + ":" + version
}

// ImageOptions says which server image to build and how to label it.
type ImageOptions struct {
	Version  string // default Version
	CacheDir string // where the binary is kept; see BinaryOptions
	// Labels are the owner labels to put on the image (the caller's, e.g. sebstest's), so a sweep knows
	// who made it; this package adds the kind ("image": kept across runs) and the version.
	Labels   map[string]string
	Progress io.Writer // default io.Discard
}

// Image returns the tag of the MinIO server image, building it if the engine does not have it: the binary
// from [Binary] alone in a FROM scratch image, run as an unprivileged user, serving S3 on port 9000 from
// /data (a tmpfs that Run mounts). Built once per machine and version.
func Image(ctx context.Context, cli *client.Client, opts ImageOptions) (string, error) {
	tag := Tag(opts.Version)
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	if _, err := cli.ImageInspect(ctx, tag); err == nil {
		return tag, nil
	}
	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", fmt.Errorf("minio image: ask the Docker engine its version (is it running?): %w", err)
	}
	bin, err := Binary(ctx, BinaryOptions{Version: opts.Version, CacheDir: opts.CacheDir, GOARCH: v.Arch, Progress: progress})
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", fmt.Errorf("minio image: read the server binary: %w", err)
	}
	began := time.Now()
	labels := maps.Clone(opts.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[labelKind] = kindImage
	labels[labelVersion] = tagVersion(tag)
	tarball, err := buildctx.Tar(
		buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte(dockerfile + buildctx.LabelLine(labels))},
		buildctx.File{Name: "minio", Mode: 0o755, Data: data},
	)
	if err != nil {
		return "", fmt.Errorf("minio image %s: %w", tag, err)
	}
	res, err := cli.ImageBuild(ctx, tarball, client.ImageBuildOptions{Tags: []string{tag}, Remove: true, ForceRemove: true})
	if err != nil {
		return "", fmt.Errorf("minio image %s: build: %w", tag, err)
	}
	defer res.Body.Close()
	if err := drain(res.Body); err != nil {
		return "", fmt.Errorf("minio image %s: build: %w", tag, err)
	}
	fmt.Fprintf(progress, "minio: built image %s in %s\n", tag, time.Since(began).Round(time.Millisecond))
	return tag, nil
}

// tagVersion is the part of a reference after the colon.
func tagVersion(tag string) string { return tag[len(Repo)+1:] }

// dockerfile is the server image: the binary and nothing else. HOME points at the tmpfs (MinIO looks for
// certificates under it); the console and update checks are off, as nothing here may leave the machine.
const dockerfile = `FROM scratch
COPY minio /minio
ENV HOME=/data MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off
USER 65534:65534
EXPOSE 9000
ENTRYPOINT ["/minio"]
CMD ["server", "--quiet", "--anonymous", "--address", ":9000", "/data"]
`

// drain reads the engine's build stream to its end and returns the first error it reports.
func drain(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the build output: %w", err)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
