package reliability

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/dockertest"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/sebstest"
)

// TestAttachCannotTouchOthers: Attach trusts no JSON. It refuses, with a reason, a container sebstest did
// not start (a plain run of one of our images, which inherits the image's labels, and a container with
// no labels of ours at all), a JSON whose name is not the container's function, an instance_id that is a
// container name, and a url on a foreign host; after each refusal the container still runs, and nothing
// was returned that could stop it. testcontainers' reuse by name, which would adopt a foreign container
// that Stop then removes, is refused too.
func TestAttachCannotTouchOthers(t *testing.T) {
	eng := dockertest.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fn := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo))
	own, err := eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// docker run sebs-go-sleep:…, which inherits the image's labels (a builder process that may be gone).
	// Its own test-scope label keeps other packages' sweeps (older code, sharing the engine) off it.
	_, scope := caseLabel(t)
	plainOfOurs := dockertest.Start(t, eng, own.Container.Config.Image, map[string]string{owner.LabelTestScope: scope})
	plainForeign := dockertest.Start(t, eng, dockertest.Image(t, eng), nil)

	good, err := json.Marshal(fn.LocalFunction)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(change map[string]any) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range change {
			m[k] = v
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	pointAt := func(c dockertest.Container) map[string]any {
		_, port, _ := strings.Cut(c.Addr, ":")
		n, _ := strconv.Atoi(port)
		return map[string]any{"instance_id": c.ID, "url": c.Addr, "port": n}
	}
	cases := []struct {
		name   string
		data   []byte
		victim string   // the container that must survive
		why    []string // what the error must say
	}{
		{"our-image-without-sebstest", edit(pointAt(plainOfOurs)), plainOfOurs.ID, []string{"not started by sebstest", "dev.gosebs.kind=function", "left untouched"}},
		{"unlabelled", edit(pointAt(plainForeign)), plainForeign.ID, []string{"not started by sebstest", "dev.gosebs.managed=true"}},
		{"other-function-name", edit(map[string]any{"name": "someone-else"}), fn.ContainerID(), []string{`runs function "sleep"`, `names "someone-else"`}},
		{"instance-id-is-a-name", edit(map[string]any{"instance_id": strings.TrimPrefix(own.Container.Name, "/")}), fn.ContainerID(), []string{"not by its ID"}},
		{"foreign-host", edit(map[string]any{"url": "evil.invalid:" + strconv.Itoa(fn.Port)}), fn.ContainerID(), []string{`names host "evil.invalid"`, "engine's address"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := sebstest.Attach(ctx, c.data)
			if err == nil {
				t.Fatalf("Attach adopted container %s from a JSON it must refuse (%s)", engine.ShortID(got.ContainerID()), got.URL)
			}
			if got != nil {
				t.Errorf("a refused Attach returned a function that could stop the container")
			}
			t.Logf("refused: %v", err)
			for _, want := range c.why {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			requireRunning(ctx, t, eng, c.victim)
		})
	}
	if _, err := plainForeign.Get("/alive"); err != nil {
		t.Errorf("the unlabelled container stopped answering: %v", err)
	}
	if _, err := fn.Invoke(ctx, map[string]any{"sleep": 0}); err != nil {
		t.Errorf("the function stopped answering after the refusals: %v", err)
	}

	t.Run("reuse-by-name", func(t *testing.T) {
		res, err := eng.ContainerInspect(ctx, plainForeign.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(res.Container.Name, "/")
		other, err := sebstest.Start(ctx, sebstest.Fixture("sleep", sebs.LanguageGo), testcontainers.WithReuseByName(name))
		if err == nil {
			t.Fatalf("Start with WithReuseByName(%q) adopted container %s", name, engine.ShortID(other.ContainerID()))
		}
		if !strings.Contains(err.Error(), "reuse") {
			t.Errorf("error %q does not say that reuse is refused", err)
		}
		requireRunning(ctx, t, eng, plainForeign.ID)
	})
}

// requireRunning fails the test unless container id exists and runs.
func requireRunning(ctx context.Context, t *testing.T, eng *engine.Engine, id string) {
	t.Helper()
	res, err := eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("container %s: %v", engine.ShortID(id), err)
	}
	if st := res.Container.State; st == nil || !st.Running {
		t.Fatalf("container %s no longer runs", engine.ShortID(id))
	}
}
