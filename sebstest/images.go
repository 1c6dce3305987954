package sebstest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// envKeepImages names the environment variable that says how many images of each Go function to keep:
// every start of a [GoFunction] removes that function's older images (sebs-go-<name>:<hash>) beyond the
// newest N, never the one it runs, never one a container uses, and none built in the last ten minutes (a
// parallel test process may be about to run it). "0" keeps them all. Unset or empty means
// [defaultKeepImages]. make clean-images still removes them all.
const envKeepImages = "SEBS_KEEP_IMAGES"

// defaultKeepImages is how many images of each Go function are kept when SEBS_KEEP_IMAGES is unset: the
// one running and two earlier versions, so switching between recent versions costs no rebuild.
const defaultKeepImages = 3

// pruneGrace spares images built this recently: another process (a parallel test package) may have just
// built one and not yet created its container.
var pruneGrace = 10 * time.Minute

// goImagePrefix starts the repository of every Go function's image.
const goImagePrefix = "sebs-go-"

// keepImages reads SEBS_KEEP_IMAGES: the number of images to keep per function, 0 for all.
func keepImages() (int, error) {
	v := strings.TrimSpace(os.Getenv(envKeepImages))
	if v == "" {
		return defaultKeepImages, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a number of images to keep per function (0 keeps all)", envKeepImages, v)
	}
	return n, nil
}

// pruneImages removes the superseded images of the function's image repository after it started: our
// images (by label) of the same sebs-go-<name> repository, beyond the newest [keepImages] by creation
// time, except the one running, any a container (of any state, ours or not) uses, and any built in the
// last pruneGrace. A failure to prune
// never fails the start: it is written to the progress writer.
func (f *Function) pruneImages(ctx context.Context) {
	removed, err := pruneSuperseded(ctx, f.eng, f.spec.ref)
	for _, ref := range removed {
		fmt.Fprintf(f.s.progress, "sebstest: removed superseded image %s\n", ref)
	}
	if err != nil {
		fmt.Fprintf(f.s.progress, "sebstest: could not remove superseded images of %s: %v\n", f.spec.ref, err)
	}
}

// pruneSuperseded removes what pruneImages describes and returns the tags it removed.
func pruneSuperseded(ctx context.Context, eng *engine.Engine, ref string) ([]string, error) {
	repo, _, ok := strings.Cut(ref, ":")
	if !ok || !strings.HasPrefix(repo, goImagePrefix) {
		return nil, nil
	}
	keep, err := keepImages()
	if err != nil || keep == 0 {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	list, err := eng.ImageList(ctx, client.ImageListOptions{
		Filters: client.Filters{}.Add("reference", repo).Add("label", owner.LabelManaged+"=true"),
	})
	if err != nil {
		return nil, fmt.Errorf("list images of %s: %w", repo, err)
	}
	images := list.Items
	slices.SortFunc(images, func(a, b image.Summary) int { return cmp.Compare(b.Created, a.Created) })
	if len(images) <= keep {
		return nil, nil
	}
	ctrs, err := eng.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	inUse := map[string]bool{}
	for _, c := range ctrs.Items {
		inUse[c.ImageID] = true
	}
	var removed []string
	kept := 0
	for _, im := range images {
		tag := tagIn(im.RepoTags, repo)
		if tag == ref || kept < keep {
			kept++
			continue
		}
		if inUse[im.ID] || tag == "" || time.Since(time.Unix(im.Created, 0)) < pruneGrace {
			continue
		}
		_, err := eng.ImageRemove(ctx, tag, client.ImageRemoveOptions{PruneChildren: true})
		switch {
		case err == nil:
			removed = append(removed, tag)
		case cerrdefs.IsNotFound(err), cerrdefs.IsConflict(err):
			// removed meanwhile, or a container was created from it meanwhile
		default:
			return removed, fmt.Errorf("remove image %s: %w", tag, err)
		}
	}
	return removed, nil
}

// tagIn returns the first of tags in repository repo, or "".
func tagIn(tags []string, repo string) string {
	for _, t := range tags {
		if strings.HasPrefix(t, repo+":") {
			return t
		}
	}
	return ""
}
