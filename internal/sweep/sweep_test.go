package sweep

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/internal/dockertest"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// ownerLabels returns our labels for a made-up owner, plus scope (confining a sweep to this test).
func ownerLabels(pid int, start, host, scope string) map[string]string {
	return map[string]string{
		owner.LabelManaged:    "true",
		owner.LabelOwnerPID:   strconv.Itoa(pid),
		owner.LabelOwnerStart: start,
		owner.LabelOwnerHost:  host,
		owner.LabelTestScope:  scope,
	}
}

// testNetwork creates a bridge network with labels and removes it in t.Cleanup.
func testNetwork(t *testing.T, eng *engine.Engine, labels map[string]string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("sebstest-sweep-%d-%d", os.Getpid(), time.Now().UnixNano())
	res, err := eng.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
	if err != nil {
		t.Fatalf("create network: %v", err)
	}
	t.Cleanup(func() {
		if _, err := eng.NetworkRemove(context.Background(), res.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove network %s: %v", name, err)
		}
	})
	return res.ID
}

// labelledImage builds a one-file image FROM scratch with labels, tagged tag ("" for none: a dangling
// image), and removes it in t.Cleanup. It returns the image ID.
func labelledImage(t *testing.T, eng *engine.Engine, tag string, labels map[string]string) string {
	t.Helper()
	// The file's content makes each image unique, so no two tests share one. The labels are set in one
	// last step: a sweep running alongside must not see a half-labelled image of a "dead" owner.
	data := fmt.Appendf(nil, "%d %d %s\n", os.Getpid(), time.Now().UnixNano(), t.Name())
	buf, err := buildctx.Tar(
		buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte("FROM scratch\nCOPY f /f\n" + buildctx.LabelLine(labels))},
		buildctx.File{Name: "f", Mode: 0o644, Data: data},
	)
	if err != nil {
		t.Fatal(err)
	}
	opts := client.ImageBuildOptions{Remove: true, ForceRemove: true}
	if tag != "" {
		opts.Tags = []string{tag}
	}
	res, err := eng.ImageBuild(context.Background(), buf, opts)
	if err != nil {
		t.Fatalf("build labelled image: %v", err)
	}
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	res.Body.Close()
	// The last "aux" line carries the ID; simpler: find the image by its unique label value.
	list, err := eng.ImageList(context.Background(), client.ImageListOptions{
		Filters: client.Filters{}.Add("label", owner.LabelTestScope+"="+labels[owner.LabelTestScope], owner.LabelOwnerPID+"="+labels[owner.LabelOwnerPID]),
	})
	if err != nil {
		t.Fatalf("list images: %v", err)
	}
	var id string
	for _, im := range list.Items {
		if tag == "" && (len(im.RepoTags) == 0 || im.RepoTags[0] == "<none>:<none>") || slices.Contains(im.RepoTags, tag) ||
			slices.Contains(im.RepoTags, "docker.io/library/"+tag) { // Podman's name for a built tag (issue 15)
			if maps.Equal(im.Labels, labels) || im.Labels[owner.LabelKind] == labels[owner.LabelKind] {
				id = im.ID
			}
		}
	}
	if id == "" {
		t.Fatalf("built image (tag %q) not found; build output:\n%s", tag, out.String())
	}
	t.Cleanup(func() {
		_, err := eng.ImageRemove(context.Background(), id, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove image %s: %v", id, err)
		}
	})
	return id
}

func imageExists(t *testing.T, eng *engine.Engine, id string) bool {
	t.Helper()
	_, err := eng.ImageInspect(context.Background(), id)
	if cerrdefs.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatalf("inspect image %s: %v", id, err)
	}
	return true
}

func networkExists(t *testing.T, eng *engine.Engine, id string) bool {
	t.Helper()
	_, err := eng.NetworkInspect(context.Background(), id, client.NetworkInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatalf("inspect network %s: %v", id, err)
	}
	return true
}

// ids returns the IDs in a report section.
func ids(list []Resource) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func TestSweep(t *testing.T) {
	eng := dockertest.Engine(t)
	img := dockertest.Image(t, eng)
	ctx := context.Background()
	scope := fmt.Sprintf("sweep-%d-%d", os.Getpid(), time.Now().UnixNano())
	host := owner.Labels()[owner.LabelOwnerHost]
	me := owner.Labels()[owner.LabelOwnerStart]
	bootPart := me[:strings.LastIndexByte(me, ':')+1] // "linux:<boot id>:" on Linux
	dead := dockertest.DeadPID(t)
	parent := os.Getppid()
	parentStart := owner.StartIdentity(parent)

	self := owner.Labels()
	self[owner.LabelTestScope] = scope
	deadOwner := ownerLabels(dead, bootPart+"1", host, scope)
	reused := ownerLabels(parent, bootPart+"1", host, scope) // parent's PID, another start: reused
	liveOther := ownerLabels(parent, parentStart, host, scope)
	foreign := ownerLabels(dead, bootPart+"1", "elsewhere.invalid", scope)
	noPID := ownerLabels(0, "", host, scope)

	cDead := dockertest.Start(t, eng, img, deadOwner).ID
	cReused := dockertest.Start(t, eng, img, reused).ID
	cSelf := dockertest.Start(t, eng, img, self).ID
	cLiveOther := dockertest.Start(t, eng, img, liveOther).ID
	cForeign := dockertest.Start(t, eng, img, foreign).ID
	cNoPID := dockertest.Start(t, eng, img, noPID).ID
	cPlain := dockertest.Start(t, eng, img, map[string]string{owner.LabelTestScope: scope}).ID

	nDead := testNetwork(t, eng, deadOwner)
	nSelf := testNetwork(t, eng, self)

	iDeadDangling := labelledImage(t, eng, "", deadOwner)
	keep := maps.Clone(deadOwner)
	keep[owner.LabelKind] = owner.KindImage
	keepTag := "sebstest-sweep-kept:" + scope
	iDeadKept := labelledImage(t, eng, keepTag, keep)
	iSelfDangling := labelledImage(t, eng, "", self)
	// A user's container of one of our images (docker run, no labels of its own): it inherits the image's
	// labels, a dead builder and the kept-image kind, and is not ours to remove.
	inheritTag := "sebstest-sweep-inherit:" + scope
	labelledImage(t, eng, inheritTag, keep)
	cInherited := createdContainer(t, eng, inheritTag)

	// What Sweep selects among this test's resources, exactly.
	rep, err := run(ctx, eng, policy{Options: Options{DryRun: true, Scope: scope}})
	if err != nil {
		t.Fatalf("dry-run sweep: %v", err)
	}
	t.Logf("dry run:\n%s", rep)
	if got, want := ids(rep.Containers), sorted(cDead, cReused); !slices.Equal(got, want) {
		t.Errorf("containers selected: got %v, want %v (dead owner, reused PID)", got, want)
	}
	if got, want := ids(rep.Networks), sorted(nDead); !slices.Equal(got, want) {
		t.Errorf("networks selected: got %v, want %v", got, want)
	}
	if got, want := ids(rep.Images), sorted(iDeadDangling); !slices.Equal(got, want) {
		t.Errorf("images selected: got %v, want %v (the dead owner's untagged image)", got, want)
	}
	for _, id := range []string{cDead, cReused} {
		if !dockertest.Exists(t, eng, id) {
			t.Errorf("dry run removed container %s", id[:12])
		}
	}

	// The unscoped Sweep leaves a test scope's resources alone, even those of dead owners.
	if _, err := Dead(ctx, eng); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	for _, id := range []string{cDead, cReused} {
		if !dockertest.Exists(t, eng, id) {
			t.Errorf("the unscoped Sweep removed container %s of another test's scope", id[:12])
		}
	}

	// Scope: ours go, the rest stays.
	rep, err = Scope(ctx, eng, scope)
	if err != nil {
		t.Fatalf("SweepScope: %v", err)
	}
	t.Logf("Sweep:\n%s", rep)
	for name, id := range map[string]string{"dead owner": cDead, "reused pid": cReused} {
		if dockertest.Exists(t, eng, id) {
			t.Errorf("container of %s %s survived Sweep", name, id[:12])
		}
	}
	for name, id := range map[string]string{"this process": cSelf, "live parent": cLiveOther, "foreign host": cForeign, "no pid": cNoPID, "unlabelled": cPlain, "inherited labels": cInherited} {
		if !dockertest.Exists(t, eng, id) {
			t.Errorf("container of %s %s removed by Sweep", name, id[:12])
		}
	}
	if networkExists(t, eng, nDead) || !networkExists(t, eng, nSelf) {
		t.Errorf("networks after Sweep: dead owner's exists %v (want false), ours exists %v (want true)",
			networkExists(t, eng, nDead), networkExists(t, eng, nSelf))
	}
	if imageExists(t, eng, iDeadDangling) {
		t.Errorf("dead owner's untagged image survived Sweep")
	}
	if !imageExists(t, eng, iDeadKept) || !imageExists(t, eng, iSelfDangling) {
		t.Errorf("Sweep removed a kept function image (%v) or our own untagged image (%v)",
			!imageExists(t, eng, iDeadKept), !imageExists(t, eng, iSelfDangling))
	}
	for _, r := range slices.Concat(rep.Containers, rep.Networks, rep.Images) {
		if slices.Contains([]string{cSelf, cLiveOther, cForeign, cNoPID, cPlain, nSelf, iDeadKept, iSelfDangling}, r.ID) {
			t.Errorf("Sweep reported a resource it must keep: %+v", r)
		}
	}

	// All: ownerless labels too; other hosts only when asked; live owners only when forced; kept images
	// on request.
	rep, err = run(ctx, eng, policy{all: true, Options: Options{Scope: scope}})
	if err != nil {
		t.Fatalf("All policy: %v", err)
	}
	t.Logf("All:\n%s", rep)
	if got, want := ids(rep.Containers), sorted(cNoPID); !slices.Equal(got, want) {
		t.Errorf("All removed containers %v, want %v (no pid; another host's only with OtherHosts)", got, want)
	}
	if !dockertest.Exists(t, eng, cForeign) {
		t.Fatalf("All without OtherHosts removed another host's container")
	}
	rep, err = run(ctx, eng, policy{all: true, Options: Options{OtherHosts: true, Scope: scope}})
	if err != nil {
		t.Fatalf("All policy with other hosts: %v", err)
	}
	if got, want := ids(rep.Containers), sorted(cForeign); !slices.Equal(got, want) {
		t.Errorf("All{OtherHosts} removed containers %v, want %v (foreign host)", got, want)
	}
	if len(rep.Images) != 0 || !imageExists(t, eng, iDeadKept) {
		t.Errorf("All without Images removed images %v", rep.Images)
	}
	rep, err = run(ctx, eng, policy{all: true, Options: Options{Images: true, Scope: scope}})
	if err != nil {
		t.Fatalf("All policy with images: %v", err)
	}
	if got, want := ids(rep.Images), sorted(iDeadKept); !slices.Equal(got, want) || imageExists(t, eng, iDeadKept) {
		t.Errorf("All{Images} removed images %v, want %v", got, want)
	}
	if len(rep.Containers) != 0 {
		t.Errorf("All removed live owners' containers without Force: %v", rep.Containers)
	}
	rep, err = run(ctx, eng, policy{all: true, Options: Options{Force: true, OtherHosts: true, Scope: scope}})
	if err != nil {
		t.Fatalf("All policy with force: %v", err)
	}
	if got, want := ids(rep.Containers), sorted(cSelf, cLiveOther); !slices.Equal(got, want) {
		t.Errorf("All{Force} removed containers %v, want %v (the live owners')", got, want)
	}
	if got, want := ids(rep.Images), sorted(iSelfDangling); !slices.Equal(got, want) {
		t.Errorf("All{Force} removed images %v, want %v", got, want)
	}
	if !dockertest.Exists(t, eng, cPlain) || !dockertest.Exists(t, eng, cInherited) {
		t.Errorf("a forced All removed an unlabelled container (%v) or one that only inherits our image's labels (%v)",
			!dockertest.Exists(t, eng, cPlain), !dockertest.Exists(t, eng, cInherited))
	}
}

// createdContainer creates (does not start) a container of image with no labels of its own, as a plain
// docker create would, and removes it in t.Cleanup.
func createdContainer(t *testing.T, eng *engine.Engine, image string) string {
	t.Helper()
	res, err := eng.ContainerCreate(context.Background(), client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Cmd: []string{"/f"}},
	})
	if err != nil {
		t.Fatalf("create a container of %s: %v", image, err)
	}
	t.Cleanup(func() { dockertest.Remove(t, eng, res.ID) })
	return res.ID
}

func TestReportString(t *testing.T) {
	if got := (Report{}).String(); got != "nothing to remove" {
		t.Errorf("empty report = %q", got)
	}
	r := Report{
		Containers: []Resource{{ID: strings.Repeat("a", 64), Name: "fn", Reason: "owner pid 1 exited"}},
		Images:     []Resource{{ID: "sha256:" + strings.Repeat("b", 64), Reason: "owner pid 1 exited"}},
	}
	want := "container aaaaaaaaaaaa fn: owner pid 1 exited\nimage bbbbbbbbbbbb <none>: owner pid 1 exited\n"
	if got := r.String(); got != want || r.Len() != 2 {
		t.Errorf("String() = %q, Len() = %d, want %q, 2", got, r.Len(), want)
	}
}
