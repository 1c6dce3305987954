package sebstest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// A SweepReport lists what a sweep removed (or, with [SweepOptions.DryRun], would remove).
type SweepReport struct {
	Containers []SweptResource
	Networks   []SweptResource
	Images     []SweptResource
}

// A SweptResource is one removed container, network or image.
type SweptResource struct {
	ID     string // full ID
	Name   string // container or network name, image tags joined by ", " ("" for an untagged image)
	Reason string // why it was removed, e.g. "owner pid 4242 exited"
}

// Len is the number of resources in the report.
func (r SweepReport) Len() int { return len(r.Containers) + len(r.Networks) + len(r.Images) }

// String lists the resources one per line ("container 0123456789ab name: reason"), or says that
// there were none.
func (r SweepReport) String() string {
	if r.Len() == 0 {
		return "nothing to remove"
	}
	var b strings.Builder
	for _, g := range []struct {
		kind string
		list []SweptResource
	}{{"container", r.Containers}, {"network", r.Networks}, {"image", r.Images}} {
		for _, x := range g.list {
			id := strings.TrimPrefix(x.ID, "sha256:")
			fmt.Fprintf(&b, "%s %s %s: %s\n", g.kind, shortContainerID(id), cmp.Or(x.Name, "<none>"), x.Reason)
		}
	}
	return b.String()
}

// SweepOptions widen what [SweepAll] removes.
type SweepOptions struct {
	// Force removes resources of live owners too: containers of a test running right now are killed.
	Force bool
	// Images removes the function images kept across runs ([LabelKind] [KindImage], tagged by content
	// hash) too; the next run builds them again.
	Images bool
	// DryRun removes nothing and reports what would be removed.
	DryRun bool
	// Scope confines the sweep to resources labelled [LabelTestScope] with this value. Without it, a
	// sweep leaves every such resource alone.
	Scope string
}

// Sweep removes the containers (forcibly, with their anonymous volumes), networks and images this package
// created for processes of this host that are gone: the owner's PID no longer runs, or now belongs to
// another process (see [Labels] for how a process is identified). It never touches a resource of a live
// process, of another host (by [LabelOwnerHost]: its processes cannot be checked from here), or without
// [LabelManaged]. Function images tagged by content hash ([KindImage]) are kept for reuse; untagged
// leftovers of rebuilt images, and containers a killed image build left, are removed.
//
// Call it from TestMain to clean up after test processes that were killed (by -timeout, SIGINT or
// SIGKILL, which skip t.Cleanup and, without Ryuk, leave their containers running). The report lists
// what was removed even when the error is not nil; one failed removal does not stop the others.
func Sweep(ctx context.Context) (SweepReport, error) {
	return sweepEngine(ctx, sweepPolicy{})
}

// SweepScope is [Sweep] for the resources of one test scope (see [LabelTestScope]): a test that leaves
// leftovers on purpose removes them with it, and no other sweep touches them.
func SweepScope(ctx context.Context, scope string) (SweepReport, error) {
	if scope == "" {
		return SweepReport{}, errors.New("sweep: SweepScope needs a scope; use Sweep for the unscoped resources")
	}
	return sweepEngine(ctx, sweepPolicy{SweepOptions: SweepOptions{Scope: scope}})
}

// SweepAll removes every container, network and untagged image that carries [LabelManaged], whoever
// owns it, except the resources of processes of this host that are still running; it is what
// `make clean` runs (go run ./sebstest/cmd/sebs-clean). Unlike [Sweep] it also removes resources of
// other hosts that share this engine, and of labels that name no process. [SweepOptions.Force] removes
// the resources of live processes too, [SweepOptions.Images] the kept function images.
func SweepAll(ctx context.Context, opts SweepOptions) (SweepReport, error) {
	return sweepEngine(ctx, sweepPolicy{all: true, SweepOptions: opts})
}

// sweepPolicy decides which of our resources a sweep removes.
type sweepPolicy struct {
	SweepOptions
	all bool // SweepAll: owners that cannot be checked count as gone
}

// sweepEngine connects to the engine testcontainers-go selects and sweeps it.
func sweepEngine(ctx context.Context, p sweepPolicy) (SweepReport, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return SweepReport{}, fmt.Errorf("sweep: connect to docker engine (is the daemon running and DOCKER_HOST right?): %w", err)
	}
	defer cli.Close()
	return sweep(ctx, cli.Client, p)
}

// sweep removes what p selects through cli: containers first, then the networks and images they used.
func sweep(ctx context.Context, cli *client.Client, p sweepPolicy) (SweepReport, error) {
	var (
		rep  SweepReport
		errs []error
		host = ownerHost()
		self = ownerStart()
	)
	decide := func(labels map[string]string) (string, bool) {
		if labels[LabelTestScope] != p.Scope {
			return "", false // another test's scope, or a scoped resource in an unscoped sweep
		}
		state, reason := ownerOf(labels, host, self)
		switch {
		case state == ownerGone:
			return reason, true
		case state == ownerUnknown && p.all:
			return reason, true
		case state == ownerAlive && p.all && p.Force:
			return reason + " (forced)", true
		}
		return "", false
	}
	labels := []string{LabelManaged + "=true"}
	if p.Scope != "" {
		labels = append(labels, LabelTestScope+"="+p.Scope)
	}
	filter := client.Filters{}.Add("label", labels...)

	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return rep, fmt.Errorf("sweep: list containers: %w", err)
	}
	for _, c := range cs.Items {
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
				errs = append(errs, fmt.Errorf("remove container %s (%s): %w", shortContainerID(c.ID), name, err))
				continue
			}
		}
		rep.Containers = append(rep.Containers, SweptResource{ID: c.ID, Name: name, Reason: reason})
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
				errs = append(errs, fmt.Errorf("remove network %s (%s; containers of a live owner still attached?): %w", shortContainerID(n.ID), n.Name, err))
				continue
			}
		}
		rep.Networks = append(rep.Networks, SweptResource{ID: n.ID, Name: n.Name, Reason: reason})
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
		if kept := im.Labels[LabelKind] == KindImage && len(tags) > 0; kept && !(p.all && p.Images) {
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
				errs = append(errs, fmt.Errorf("remove image %s: %w", shortContainerID(strings.TrimPrefix(im.ID, "sha256:")), err))
				continue
			}
		}
		rep.Images = append(rep.Images, SweptResource{ID: im.ID, Name: strings.Join(tags, ", "), Reason: reason})
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("sweep: %w", err)
	}
	return rep, nil
}
