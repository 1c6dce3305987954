// Package sweep removes the containers, networks and images that our test processes left behind when they
// were killed (by -timeout, SIGINT or SIGKILL, which skip t.Cleanup and, without Ryuk, leave containers
// running): everything labelled by package owner whose owner process is gone.
package sweep

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// A Report lists what a sweep removed (or, with [Options.DryRun], would remove).
type Report struct {
	Containers []Resource
	Networks   []Resource
	Images     []Resource
}

// A Resource is one removed container, network or image.
type Resource struct {
	ID     string // full ID
	Name   string // container or network name, image tags joined by ", " ("" for an untagged image)
	Reason string // why it was removed, e.g. "owner pid 4242 exited"
}

// Len is the number of resources in the report.
func (r Report) Len() int { return len(r.Containers) + len(r.Networks) + len(r.Images) }

// String lists the resources one per line ("container 0123456789ab name: reason"), or says that
// there were none.
func (r Report) String() string {
	if r.Len() == 0 {
		return "nothing to remove"
	}
	var b strings.Builder
	for _, g := range []struct {
		kind string
		list []Resource
	}{{"container", r.Containers}, {"network", r.Networks}, {"image", r.Images}} {
		for _, x := range g.list {
			id := strings.TrimPrefix(x.ID, "sha256:")
			fmt.Fprintf(&b, "%s %s %s: %s\n", g.kind, engine.ShortID(id), cmp.Or(x.Name, "<none>"), x.Reason)
		}
	}
	return b.String()
}

// Options widen what [All] removes.
type Options struct {
	// Force removes resources of live owners too: containers of a test running right now are killed.
	Force bool
	// Images removes the function images kept across runs ([owner.LabelKind] [owner.KindImage], tagged by content
	// hash) too; the next run builds them again.
	Images bool
	// DryRun removes nothing and reports what would be removed.
	DryRun bool
	// OtherHosts removes the resources owned on other hosts too ([owner.LabelOwnerHost] is not this host's
	// name): a test process in a dev container or a CI job container that shares this engine, whose
	// liveness cannot be checked from here. Without it, [All] leaves them alone: a sweep on the host must
	// not kill a test that runs next door.
	OtherHosts bool
	// Scope confines the sweep to resources labelled [owner.LabelTestScope] with this value. Without it, a
	// sweep leaves every such resource alone.
	Scope string
}

// Dead removes the containers (forcibly, with their anonymous volumes), networks and images this package
// created for processes of this host that are gone: the owner's PID no longer runs, or now belongs to
// another process (see [owner.Labels] for how a process is identified). It never touches a resource of a live
// process, of another host (by [owner.LabelOwnerHost]: its processes cannot be checked from here), or without
// [owner.LabelManaged]. Function images tagged by content hash ([owner.KindImage]) are kept for reuse; untagged
// leftovers of rebuilt images, and containers a killed image build left, are removed.
//
// Call it from TestMain to clean up after test processes that were killed (by -timeout, SIGINT or
// SIGKILL, which skip t.Cleanup and, without Ryuk, leave their containers running). The report lists
// what was removed even when the error is not nil; one failed removal does not stop the others.
func Dead(ctx context.Context, eng *engine.Engine) (Report, error) {
	return run(ctx, eng, policy{})
}

// Scope is [Dead] for the resources of one test scope (see [owner.LabelTestScope]): a test that leaves
// leftovers on purpose removes them with it, and no other sweep touches them.
func Scope(ctx context.Context, eng *engine.Engine, scope string) (Report, error) {
	if scope == "" {
		return Report{}, errors.New("sweep: Scope needs a scope; use Dead for the unscoped resources")
	}
	return run(ctx, eng, policy{Options: Options{Scope: scope}})
}

// All removes every container, network and untagged image that carries [owner.LabelManaged] and was
// made by a process of this host, except the resources of processes that are still running; it is what
// `make clean` runs (go run ./cmd/sebs-clean). Unlike [Dead] it also removes resources whose labels name
// no process. [Options.OtherHosts] removes those of other hosts sharing this engine too (their owners
// cannot be checked from here: a test running in a dev container or CI job container would lose its
// containers), [Options.Force] the resources of live processes, [Options.Images] the kept function images.
func All(ctx context.Context, eng *engine.Engine, opts Options) (Report, error) {
	return run(ctx, eng, policy{all: true, Options: opts})
}

// createdByUs tells the containers this module created (sebstest's function containers, the containers of
// its own tests, and the step containers an interrupted build of one of our images left) from containers
// that merely inherit our labels from one of our images: a user's `docker run sebs-go-sleep:…` carries the
// image's labels, including a builder process that may be long gone, and [owner.KindImage]. Those are
// not ours to remove.
func createdByUs(labels map[string]string, command string) bool {
	if labels[owner.LabelKind] != owner.KindImage {
		return true
	}
	return strings.Contains(command, "#(nop)") // a build step's container
}

// policy decides which of our resources a sweep removes.
type policy struct {
	Options
	all bool // All: owners that cannot be checked count as gone
}

// run removes what p selects through eng: containers first, then the networks and images they used.
func run(ctx context.Context, eng *engine.Engine, p policy) (Report, error) {
	var (
		rep  Report
		errs []error
		host = owner.Host()
		self = owner.Self()
		cli  = eng.Client
	)
	decide := func(labels map[string]string) (string, bool) {
		if labels[owner.LabelTestScope] != p.Scope {
			return "", false // another test's scope, or a scoped resource in an unscoped sweep
		}
		state, reason := owner.Of(labels, host, self)
		if labels[owner.LabelOwnerHost] != host && !p.OtherHosts {
			return "", false // another host's: its owner cannot be checked from here
		}
		switch {
		case state == owner.Gone:
			return reason, true
		case state == owner.Unknown && p.all:
			return reason, true
		case state == owner.Alive && p.all && p.Force:
			return reason + " (forced)", true
		}
		return "", false
	}
	labels := []string{owner.LabelManaged + "=true"}
	if p.Scope != "" {
		labels = append(labels, owner.LabelTestScope+"="+p.Scope)
	}
	filter := client.Filters{}.Add("label", labels...)

	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return rep, fmt.Errorf("sweep: list containers: %w", err)
	}
	for _, c := range cs.Items {
		if !createdByUs(c.Labels, c.Command) {
			continue
		}
		reason, ok := decide(c.Labels)
		if !ok {
			continue
		}
		name := ""
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		if !p.DryRun {
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if cerrdefs.IsNotFound(err) {
				continue // removed meanwhile, by its owner's cleanup or another sweep
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove container %s (%s): %w", engine.ShortID(c.ID), name, err))
				continue
			}
		}
		rep.Containers = append(rep.Containers, Resource{ID: c.ID, Name: name, Reason: reason})
	}

	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("list networks: %w", err))
	}
	for _, n := range ns.Items {
		reason, ok := decide(n.Labels)
		if !ok {
			continue
		}
		if !p.DryRun {
			_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			if cerrdefs.IsNotFound(err) {
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove network %s (%s; containers of a live owner still attached?): %w", engine.ShortID(n.ID), n.Name, err))
				continue
			}
		}
		rep.Networks = append(rep.Networks, Resource{ID: n.ID, Name: n.Name, Reason: reason})
	}

	is, err := cli.ImageList(ctx, client.ImageListOptions{Filters: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("list images: %w", err))
	}
	for _, im := range is.Items {
		var tags []string
		for _, t := range im.RepoTags {
			if t != "<none>:<none>" {
				tags = append(tags, t)
			}
		}
		reason, ok := decide(im.Labels)
		if kept := im.Labels[owner.LabelKind] == owner.KindImage && len(tags) > 0; kept && !(p.all && p.Images) {
			continue // a function image kept for reuse
		}
		if !ok {
			continue
		}
		if !p.DryRun {
			_, err := cli.ImageRemove(ctx, im.ID, client.ImageRemoveOptions{Force: len(tags) > 1, PruneChildren: true})
			if cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err) {
				continue // gone meanwhile, or still used by a container that is not ours to remove
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove image %s: %w", engine.ShortID(im.ID), err))
				continue
			}
		}
		rep.Images = append(rep.Images, Resource{ID: im.ID, Name: strings.Join(tags, ", "), Reason: reason})
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("sweep: %w", err)
	}
	return rep, nil
}
