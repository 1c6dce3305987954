package sebstest

import (
	"context"
	"fmt"
	"io"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
)

// pythonImageRepo is the repository of the Python base image; its tag is a hash of the recipe.
const pythonImageRepo = "sebs-python"

// PythonImage returns the tag of the Python base image, "sebs-python:<recipe hash>": a Debian root file
// system with python3 and the modules the benchmarks need (fixtures/python/image/packages.txt) and the
// wrapper server at /sebs/server.py, running unprivileged. If the Docker engine does not have the image
// yet, PythonImage builds it with fixtures/python/image/build.sh (debootstrap + docker import, one to
// three minutes; it needs root, debootstrap and a reachable Debian mirror) and streams the build's progress,
// each line stamped with the time elapsed, live to stderr (whatever go test -v says, so a one-time build
// of minutes does not look like a hang) and to progress, which may be nil. Concurrent calls, also from other processes, build the image once.
func PythonImage(ctx context.Context, progress io.Writer) (string, error) {
	eng, err := engine.Open(ctx)
	if err != nil {
		return "", fmt.Errorf("python image: %w", err)
	}
	defer eng.Close()
	return pythonImage(ctx, eng, progress)
}

// pythonImage is [PythonImage] through eng.
func pythonImage(ctx context.Context, eng *engine.Engine, progress io.Writer) (string, error) {
	return baseImage(ctx, eng, "python", progress)
}

// PythonImageTag returns the tag [PythonImage] builds or reuses, without contacting Docker: it changes
// whenever the recipe (fixtures/python/image) or the wrapper server (fixtures/python/runtime/server.py)
// changes.
func PythonImageTag() (string, error) { return fixtures.ImageTag("python") }
