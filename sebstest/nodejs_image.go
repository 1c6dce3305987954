package sebstest

import (
	"context"
	"io"

	"github.com/gosebs/sebs/internal/engine"
)

// nodeImage returns the tag of the Node.js base image, "sebs-nodejs:<recipe hash>" (fixtures.ImageTag("nodejs")):
// a Debian root file system with Debian's nodejs and the node-* modules of fixtures/nodejs/image/packages.txt,
// and the wrapper server at /sebs/server.js, running as uid 65534. When the engine lacks it, it is built with
// fixtures/nodejs/image/build.sh (debootstrap + docker import, about a minute; root, debootstrap and a Debian
// mirror needed), its progress streamed to progress, once across concurrent callers and processes.
func nodeImage(ctx context.Context, eng *engine.Engine, progress io.Writer) (string, error) {
	return baseImage(ctx, eng, "nodejs", progress)
}
