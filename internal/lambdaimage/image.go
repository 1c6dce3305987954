package lambdaimage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/buildctx"
)

// Port is the container port the emulator serves Lambda's Invoke API on.
const Port = "8080/tcp"

// Options tune [Build].
type Options struct {
	// Labels go on the image, set in one last Dockerfile step (see buildctx.LabelLine); pass the
	// owner labels, with the kind label of reusable images.
	Labels map[string]string
	// Progress receives one line per step that takes time (nil: discarded).
	Progress io.Writer
}

// Image is a packed Lambda function.
type Image struct {
	// Ref is the image's tag, sebs-lambda-go-<name>:<first 16 hex digits of Hash>.
	Ref string
	// Name is the function's name: its directory's base name, made fit for a tag.
	Name string
	// Hash is the SHA-256 (hex) of the function's binary, the emulator's and the image's recipe.
	Hash string
}

// dockerfile runs the emulator, which starts the function as its runtime, as an unprivileged user;
// nothing else is in the image.
const dockerfile = `FROM scratch
COPY aws-lambda-rie /aws-lambda-rie
COPY bootstrap /var/task/bootstrap
USER 65534:65534
ENTRYPOINT ["/aws-lambda-rie", "/var/task/bootstrap"]
`

// Build compiles the Go Lambda function in dir (a main package calling lambda.Start) statically for
// the engine's architecture, and packs it with the emulator into an image FROM scratch, unless an
// image of the same content exists already. The image needs no writable root and runs as user 65534.
func Build(ctx context.Context, eng *client.Client, dir string, opts Options) (Image, error) {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Image{}, fmt.Errorf("lambda function %q: %w", dir, err)
	}
	emulator, arch, err := engineEmulator(ctx, eng, progress)
	if err != nil {
		return Image{}, err
	}
	bootstrap, err := compile(ctx, abs, arch, progress)
	if err != nil {
		return Image{}, err
	}
	h := sha256.New()
	h.Write(emulator)
	h.Write(bootstrap)
	h.Write([]byte(dockerfile))
	img := Image{Name: tagName(filepath.Base(abs)), Hash: hex.EncodeToString(h.Sum(nil))}
	img.Ref = "sebs-lambda-go-" + img.Name + ":" + img.Hash[:16]
	files := []buildctx.File{
		{Name: "Dockerfile", Mode: 0o644, Data: []byte(dockerfile + buildctx.LabelLine(opts.Labels))},
		{Name: "aws-lambda-rie", Mode: 0o755, Data: emulator},
		{Name: "bootstrap", Mode: 0o755, Data: bootstrap},
	}
	if err := ensureImage(ctx, eng, img.Ref, files, progress); err != nil {
		return Image{}, err
	}
	return img, nil
}

// engineEmulator returns the emulator binary for the engine's architecture, and that architecture.
func engineEmulator(ctx context.Context, eng *client.Client, progress io.Writer) (bin []byte, arch string, err error) {
	if arch, err = engineArch(ctx, eng); err != nil {
		return nil, "", err
	}
	path, err := Emulator(ctx, arch, progress)
	if err != nil {
		return nil, "", err
	}
	if bin, err = os.ReadFile(path); err != nil {
		return nil, "", fmt.Errorf("read the Lambda emulator: %w", err)
	}
	return bin, arch, nil
}

// engineArch asks the engine which architecture its containers run on, as a GOARCH.
func engineArch(ctx context.Context, eng *client.Client) (string, error) {
	v, err := eng.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", fmt.Errorf("ask the Docker engine its version (is it running?): %w", err)
	}
	if v.Arch == "" {
		return "amd64", nil
	}
	return v.Arch, nil
}

// ensureImage builds ref from the build context files, unless ref exists already.
func ensureImage(ctx context.Context, eng *client.Client, ref string, files []buildctx.File, progress io.Writer) error {
	if _, err := eng.ImageInspect(ctx, ref); err == nil {
		fmt.Fprintf(progress, "lambdaimage: image %s is up to date\n", ref)
		return nil
	}
	began := time.Now()
	tar, err := buildctx.Tar(files...)
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	res, err := eng.ImageBuild(ctx, tar, client.ImageBuildOptions{Tags: []string{ref}, Remove: true, ForceRemove: true})
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	defer res.Body.Close()
	if err := buildError(res.Body); err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	fmt.Fprintf(progress, "lambdaimage: built image %s (%s)\n", ref, time.Since(began).Round(time.Millisecond))
	return nil
}

// compile builds the main package in dir for linux/arch with cgo off (a static binary) and returns it.
func compile(ctx context.Context, dir, arch string, progress io.Writer) ([]byte, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("build Lambda function %s: no go command on PATH (install Go or put it on PATH): %w", dir, err)
	}
	out, err := os.MkdirTemp("", "sebs-lambda-")
	if err != nil {
		return nil, fmt.Errorf("build Lambda function %s: %w", dir, err)
	}
	defer os.RemoveAll(out)
	began := time.Now()
	bin := filepath.Join(out, "bootstrap")
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-tags=lambda.norpc", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build Lambda function %s: go build: %w\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintf(progress, "lambdaimage: go build %s (%s)\n", dir, time.Since(began).Round(time.Millisecond))
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("build Lambda function %s: read the binary: %w", dir, err)
	}
	return data, nil
}

// buildError reads the engine's build stream to its end and returns the first error in it.
func buildError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		switch err := dec.Decode(&msg); {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("read the engine's build output: %w", err)
		case msg.Error != "":
			return errors.New(msg.Error)
		}
	}
}

// tagName makes s fit for an image name: lower case letters, digits and '-', '_', '.'.
func tagName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, s)
	if s = strings.Trim(s, "-._"); s == "" {
		return "function"
	}
	return s
}
