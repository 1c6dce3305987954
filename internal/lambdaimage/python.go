package lambdaimage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/moby/moby/client"

	lambdapython "github.com/gosebs/sebs/fixtures/lambda/python"
	"github.com/gosebs/sebs/internal/buildctx"
)

// PythonTaskRoot is where a Python Lambda image expects the function's code (handler.py and what it
// imports): mount it there, read-only.
const PythonTaskRoot = "/var/task"

// pythonDockerfile adds the emulator and the bootstrap to a Python base image; the code is mounted at
// /var/task. The bootstrap is the emulator's only argument, so the emulator takes the handler from
// _HANDLER.
const pythonDockerfile = `FROM %s
COPY aws-lambda-rie /aws-lambda-rie
COPY bootstrap /var/runtime/bootstrap
ENV LAMBDA_TASK_ROOT=/var/task _HANDLER=handler.handler PYTHONDONTWRITEBYTECODE=1
WORKDIR /var/task
USER 65534:65534
ENTRYPOINT ["/aws-lambda-rie", "/var/runtime/bootstrap"]
CMD []
`

// BuildPython makes the Lambda image for Python functions on base, an image with python3 on PATH (this
// module's Python base image): the emulator and the bootstrap (package lambdapython) added, user 65534,
// code expected at [PythonTaskRoot], handler handler.handler unless _HANDLER says otherwise. Mount a
// writable tmpfs at /tmp when the root is read-only: Lambda functions may write there (upstream SeBS's
// wrapper does). The image is tagged sebs-lambda-python:<hash of base image ID, emulator and bootstrap>
// and built once.
func BuildPython(ctx context.Context, eng *client.Client, base string, opts Options) (Image, error) {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	ins, err := eng.ImageInspect(ctx, base)
	if err != nil {
		return Image{}, fmt.Errorf("python Lambda image: inspect the base image %s (build it first): %w", base, err)
	}
	emulator, _, err := engineEmulator(ctx, eng, progress)
	if err != nil {
		return Image{}, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", ins.ID)
	h.Write(emulator)
	h.Write(lambdapython.Bootstrap)
	h.Write([]byte(pythonDockerfile))
	img := Image{Name: "python", Hash: hex.EncodeToString(h.Sum(nil))}
	img.Ref = "sebs-lambda-python:" + img.Hash[:16]
	files := []buildctx.File{
		{Name: "Dockerfile", Mode: 0o644, Data: []byte(fmt.Sprintf(pythonDockerfile, base) + buildctx.LabelLine(opts.Labels))},
		{Name: "aws-lambda-rie", Mode: 0o755, Data: emulator},
		{Name: "bootstrap", Mode: 0o755, Data: lambdapython.Bootstrap},
	}
	if err := ensureImage(ctx, eng, img.Ref, files, progress); err != nil {
		return Image{}, err
	}
	return img, nil
}
