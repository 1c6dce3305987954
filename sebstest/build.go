package sebstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/files"
	"github.com/gosebs/sebs/internal/owner"
)

// GoFunction builds the Go main package in dir (a function written on package serve, or any program that
// serves the SeBS protocol on port 9000) into a static binary and an image FROM scratch that holds only
// that binary. The image is tagged sebs-go-<name>:<hash of the binary and the image's recipe>, so building
// an unchanged function again costs one cached go build and no image build.
func GoFunction(dir string) Source { return goSource{dir: dir} }

type goSource struct{ dir string }

func (g goSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	abs, err := filepath.Abs(g.dir)
	if err != nil {
		return spec{}, fmt.Errorf("go function %q: %w", g.dir, err)
	}
	name := sanitizeName(filepath.Base(abs))
	arch, err := engineArch(ctx, eng)
	if err != nil {
		return spec{}, err
	}
	sum, bin, err := goBuild(ctx, abs, arch, progress)
	if err != nil {
		return spec{}, err
	}
	ref := "sebs-go-" + name + ":" + imageTag(sum)
	if err := ensureScratchImage(ctx, eng, ref, bin, progress); err != nil {
		return spec{}, err
	}
	return spec{
		ref: ref, name: name, hash: sum[:32], readOnly: true, ownsPath: true,
		language: sebs.LanguageGo, version: strings.TrimPrefix(runtime.Version(), "go"),
	}, nil
}

// goBuild compiles the main package in dir for linux/arch with cgo off and returns the binary's SHA-256
// and contents. The binary lives in a cache directory of its own, so the go command finds it up to date
// and skips the link when nothing changed; a lock file keeps concurrent builds of the same function (from
// parallel tests or test binaries) from racing on it.
func goBuild(ctx context.Context, dir, arch string, progress io.Writer) (sum string, bin []byte, err error) {
	goBin, err := goTool()
	if err != nil {
		return "", nil, err
	}
	out, unlock, err := buildSlot(dir, arch)
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	began := time.Now()
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", nil, fmt.Errorf("go build %s: %w\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintf(progress, "sebstest: go build %s (%s)\n", dir, time.Since(began).Round(time.Millisecond))
	bin, err = os.ReadFile(out)
	if err != nil {
		return "", nil, fmt.Errorf("read the binary built from %s: %w", dir, err)
	}
	if err := requireProgram(ctx, goBin, dir, bin); err != nil {
		return "", nil, err
	}
	h := sha256.Sum256(bin)
	return hex.EncodeToString(h[:]), bin, nil
}

// elfMagic starts every Linux executable; go build of a package that is not main writes an ar archive
// ("!<arch>\n") to -o instead, which an image could hold but never run.
var elfMagic = []byte("\x7fELF")

// requireProgram fails, before any image is built, when what go build wrote for dir is not an executable:
// dir holds a library package, not a main package. The error names the package (from go list).
func requireProgram(ctx context.Context, goBin, dir string, bin []byte) error {
	if bytes.HasPrefix(bin, elfMagic) {
		return nil
	}
	pkg := "?"
	cmd := exec.CommandContext(ctx, goBin, "list", "-f", "{{.Name}}", ".")
	cmd.Dir = dir
	if out, err := cmd.Output(); err == nil {
		pkg = strings.TrimSpace(string(out))
	}
	return fmt.Errorf("go function %s: not a main package (it is package %s, and go build wrote a library archive, "+
		"not a program); GoFunction needs the directory of a main package whose main serves the SeBS protocol "+
		"(e.g. one whose main calls serve.Main with the handler)", dir, pkg)
}

// buildSlot returns the cache path for the binary of dir built for arch, locked until unlock is called.
func buildSlot(dir, arch string) (path string, unlock func(), err error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	key := sha256.Sum256([]byte(dir + "\x00" + arch))
	slot := filepath.Join(base, "gosebs", "build", hex.EncodeToString(key[:8]))
	if err := os.MkdirAll(slot, 0o755); err != nil {
		return "", nil, fmt.Errorf("go build %s: make the build cache directory: %w", dir, err)
	}
	unlock, err = files.Lock(filepath.Join(slot, "lock"))
	if err != nil {
		return "", nil, fmt.Errorf("go build %s: %w", dir, err)
	}
	return filepath.Join(slot, "function"), unlock, nil
}

// goTool finds the go command: on PATH, else in the GOROOT this binary was built with.
func goTool() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", errors.New("go build: no go command on PATH; install Go or put it on PATH to build Go functions")
}

// engineArch asks the engine which architecture its containers run on, as a GOARCH.
func engineArch(ctx context.Context, eng *engine.Engine) (string, error) {
	v, err := eng.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", fmt.Errorf("ask the Docker engine its version (is it running?): %w", err)
	}
	if v.Arch == "" {
		return runtime.GOARCH, nil
	}
	return v.Arch, nil
}

// ensureScratchImage builds ref FROM scratch holding bin as /function, unless ref already exists.
func ensureScratchImage(ctx context.Context, eng *engine.Engine, ref string, bin []byte, progress io.Writer) error {
	if _, err := eng.ImageInspect(ctx, ref); err == nil {
		fmt.Fprintf(progress, "sebstest: image %s is up to date\n", ref)
		return nil
	}
	began := time.Now()
	labels := owner.Labels()
	labels[owner.LabelKind] = owner.KindImage
	buildCtx, err := scratchContext(bin, labels)
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	res, err := eng.ImageBuild(ctx, buildCtx, client.ImageBuildOptions{Tags: []string{ref}, Remove: true, ForceRemove: true})
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	defer res.Body.Close()
	if err := buildctx.Drain(res.Body); err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	fmt.Fprintf(progress, "sebstest: built image %s (%s)\n", ref, time.Since(began).Round(time.Millisecond))
	return nil
}

// imageTag is the tag of the image of the binary whose SHA-256 is sum (hex): 16 hex digits of the hash of
// sum and the image's recipe, so that a change of recipe builds new images.
func imageTag(sum string) string {
	h := sha256.Sum256([]byte(sum + "\x00" + scratchDockerfile))
	return hex.EncodeToString(h[:8])
}

// scratchDockerfile runs the function as an unprivileged user; a scratch image has no shell and no other
// file, so the function is all there is. It declares no port (issue 16): testcontainers-go would publish a
// declared one on every interface when sebstest creates a container without a published port (publish.go).
const scratchDockerfile = `FROM scratch
COPY function /function
USER 65534:65534
ENTRYPOINT ["/function"]
`

// scratchContext is the build context of a Go function's image: the Dockerfile, with our labels set in its
// last step (see [buildctx.LabelLine]), and the binary.
func scratchContext(bin []byte, labels map[string]string) (io.Reader, error) {
	return buildctx.Tar(
		buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte(scratchDockerfile + buildctx.LabelLine(labels))},
		buildctx.File{Name: "function", Mode: 0o755, Data: bin},
	)
}

// sanitizeName turns a path or image reference into a lower-case name fit for a tag or function name.
func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-._")
	if out == "" {
		return "function"
	}
	return out
}
