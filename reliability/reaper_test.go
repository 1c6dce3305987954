package reliability

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/internal/owner"
)

// reaperImageRef is the image testcontainers-go v0.45 starts as its reaper (internal/config.ReaperDefaultImage).
const reaperImageRef = "testcontainers/ryuk:0.14.0"

// Labels testcontainers-go puts on its reaper and on every container of a session.
const (
	labelRyuk    = "org.testcontainers.ryuk"
	labelSession = "org.testcontainers.sessionId"
	labelStandIn = "dev.gosebs.standin"
)

// reaperEnv switches the reaper on in a victim, with a short wait for its client to come back.
var reaperEnv = []string{"TESTCONTAINERS_RYUK_DISABLED=false", "TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT=5s"}

// TestWithReaper runs test processes with testcontainers' reaper (Ryuk) switched on, as it is on a
// machine that can pull its image. It uses Ryuk's image if the engine has it, else a stand-in that speaks
// Ryuk's protocol (internal/reaper), tagged with Ryuk's name for the test's duration. A test process that
// ends normally starts its functions, removes them, and passes its own end-of-run checks (no goroutine
// left but the reaper connection, no container left); a test process killed by SIGKILL has its containers
// removed by the reaper, with no sweep of ours involved. Our containers carry the reaper's session label,
// and addressing through 127.0.0.1 holds with the reaper on.
func TestWithReaper(t *testing.T) {
	cli := testDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	useReaperImage(ctx, t, cli)
	bin := buildVictim(t)

	t.Run("normal-exit", func(t *testing.T) {
		key, value := caseLabel(t)
		v := startVictimEnv(t, bin, key+"="+value, true, reaperEnv)
		reaper := requireReaperFor(ctx, t, cli, v.containers[0])
		_ = v.stdin.Close() // the victim's test returns; its t.Cleanup and TestMain run
		st := v.wait(t, time.Minute)
		if st.ExitCode() != 0 {
			t.Fatalf("the victim, run with the reaper, failed (%v); its output:\n%s", st, v.output)
		}
		requireGone(t, cli, v.containers...)
		// The reaper ends once its client is gone, so the next case starts one of its own.
		waitGone(ctx, t, cli, "the reaper", reaper)
	})

	t.Run("sigkill", func(t *testing.T) {
		key, value := caseLabel(t)
		v := startVictimEnv(t, bin, key+"="+value, true, reaperEnv)
		reaper := requireReaperFor(ctx, t, cli, v.containers[0])
		signal(t, v, syscall.SIGKILL)
		v.wait(t, time.Minute)
		for _, id := range v.containers {
			waitGone(ctx, t, cli, "the killed victim's container", id)
		}
		// The reaper ends after reaping; until then its image cannot be removed (the test's cleanup).
		waitGone(ctx, t, cli, "the reaper", reaper)
	})
}

// requireReaperFor checks that the function container carries a reaper session label and that a reaper
// of that session runs, and returns the reaper's container ID.
func requireReaperFor(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, fnID string) string {
	t.Helper()
	insp, err := cli.ContainerInspect(ctx, fnID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	session := insp.Container.Config.Labels[labelSession]
	if session == "" {
		t.Fatalf("function container %.12s has no %s label: the reaper would not reap it", fnID, labelSession)
	}
	for _, bs := range insp.Container.HostConfig.PortBindings { // none on the bridge address (issue 16)
		for _, b := range bs {
			if b.HostIP.String() != "127.0.0.1" {
				t.Errorf("with the reaper on, function port published on %q, not 127.0.0.1", b.HostIP)
			}
		}
	}
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{
		Filters: client.Filters{}.Add("label", labelRyuk+"=true", labelSession+"="+session),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 {
		t.Fatalf("want one running reaper of session %s, found %d", session, len(res.Items))
	}
	return res.Items[0].ID
}

// waitGone polls until the container no longer exists, and fails the test after a minute.
func waitGone(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, what, id string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := containerExists(ctx, cli, id)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s (%.12s) still exists a minute later", what, id)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("%s (%.12s): %v", what, id, ctx.Err())
		}
	}
}

// useReaperImage makes sure the engine has an image under the reaper's name: Ryuk's own if it is there;
// else the stand-in from internal/reaper, built FROM scratch with our labels and removed when the test
// ends, so that nothing takes it for Ryuk afterwards.
func useReaperImage(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient) {
	t.Helper()
	img, err := cli.ImageInspect(ctx, reaperImageRef)
	switch {
	case err == nil && img.Config != nil && img.Config.Labels[labelStandIn] == "":
		t.Logf("using %s from the engine", reaperImageRef)
		return
	case err != nil && !cerrdefs.IsNotFound(err):
		t.Fatalf("inspect %s: %v", reaperImageRef, err)
	}
	bin := filepath.Join(t.TempDir(), "reaper")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./internal/reaper")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the stand-in reaper: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	// Not owner.KindImage: a tagged image of that kind is kept for reuse, while this one must not outlive
	// this test process. If the process is killed, the next sweep (any container package's TestMain, or
	// make clean) removes it, since its owner is gone.
	labels := owner.Labels()
	labels[owner.LabelKind] = "standin"
	labels[labelStandIn] = "ryuk"
	dockerfile := "FROM scratch\nCOPY reaper /reaper\nENTRYPOINT [\"/reaper\"]\n" + buildctx.LabelLine(labels)
	buf, err := buildctx.Tar(
		buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte(dockerfile)},
		buildctx.File{Name: "reaper", Mode: 0o755, Data: data},
	)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cli.ImageBuild(ctx, buf, client.ImageBuildOptions{
		Tags: []string{reaperImageRef}, Remove: true, ForceRemove: true,
	})
	if err != nil {
		t.Fatalf("build the stand-in reaper image: %v", err)
	}
	out, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil || bytes.Contains(out, []byte(`"errorDetail"`)) {
		t.Fatalf("build the stand-in reaper image: %v\n%s", err, out)
	}
	built, err := cli.ImageInspect(ctx, reaperImageRef)
	if err != nil {
		t.Fatalf("the stand-in reaper image was not built: %v", err)
	}
	t.Logf("built a stand-in reaper as %s (%.19s)", reaperImageRef, built.ID)
	t.Cleanup(func() {
		// By ID, not by name: should Ryuk's own image have arrived meanwhile, it stays.
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		// A reaper still running from it (one that has not reached its reconnection timeout yet) holds
		// the image: wait for it to end, as it does on its own, rather than kill it.
		waitImageUnused(ctx, t, cli, built.ID)
		if _, err := cli.ImageRemove(ctx, built.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove the stand-in reaper image %s (%.19s): %v", reaperImageRef, built.ID, err)
		}
	})
}

// waitImageUnused waits until no running container uses the image, for up to a minute.
func waitImageUnused(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, imageID string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := cli.ContainerList(ctx, client.ContainerListOptions{Filters: client.Filters{}.Add("ancestor", imageID)})
		if err != nil || len(res.Items) == 0 || time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}
