package sebstest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gosebs/sebs/internal/engine"
)

// Issue 16: a function invoked on its bridge address needs no port published on the host, and upstream
// SeBS publishes none on Linux. Publishing one costs every container a Docker proxy process and its
// forwarding rules, set up on start and torn down on removal (measured about 45 ms each way on the
// development machine), which a cold start then times. So when the bridge address is expected to work,
// the function's containers are created with no published port; should a running container not be
// reachable on its bridge address after all, that start is repeated with the port published, and so are the
// function's later ones.

// planPorts decides, before the function's first container, whether its containers are created without a
// published port (f.unpublished).
func (f *Function) planPorts(ctx context.Context) {
	f.unpublished.Store(f.publishReason(ctx) == "")
}

// publishReason returns why the function's containers need their port published, or "" when they can
// do without: a local engine on Linux (not a rootless one, whose containers live in a network namespace of
// its own), no [WithPublishedPort], no [WithoutEgress] (its forwarder reaches the container), and an image
// that declares no port of its own, since testcontainers-go publishes an image's declared ports, on every
// interface, when a request exposes none.
func (f *Function) publishReason(ctx context.Context) string {
	if reason := f.offBridgeReason(); reason != "" {
		return reason
	}
	switch {
	case strings.Contains(f.eng.DaemonHost(), "/run/user/"):
		return "a rootless engine keeps its containers in a network namespace of its own"
	case f.egress != nil:
		return "WithoutEgress reaches the function through its forwarder"
	}
	img, err := f.eng.ImageInspect(ctx, f.spec.ref)
	if err != nil {
		return fmt.Sprintf("inspect image %s: %v", f.spec.ref, err)
	}
	if img.Config != nil && len(img.Config.ExposedPorts) > 0 {
		return fmt.Sprintf("the image %s declares ports (EXPOSE), which would be published on every interface", f.spec.ref)
	}
	return ""
}

// errUnreachable says that a container created without a published port cannot be reached on its bridge
// address either; launch then repeats the start with the port published.
var errUnreachable = errors.New("the container's bridge address is not reachable from this process")

// republish turns publishing on for the function's containers from now on, after inst (already removed)
// could not be reached on its bridge address, and says so.
func (f *Function) republish(inst *instance, err error) {
	f.unpublished.Store(false)
	fmt.Fprintf(f.s.progress, "sebstest: %s: container %s was started without a published port, but %v; "+
		"starting it again with its port published on %s, as every later container of this function will be "+
		"(the first start's time is not reported)\n", f.spec.ref, engine.ShortID(inst.id), err, f.ep.BindIP)
}
