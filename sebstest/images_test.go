package sebstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tinyFunction is a Go function on the standard library alone, serving just enough of the protocol;
// %q is a version string that changes its binary, and so its image's tag.
const tinyFunction = `package main

import (
	"fmt"
	"net/http"
	"time"
)

const version = %q

func main() {
	http.HandleFunc("/alive", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{\"status\":\"ok\"}") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		now := float64(time.Now().UnixMicro()) / 1e6
		fmt.Fprintf(w, "{\"begin\":\"%%.6f\",\"end\":\"%%.6f\",\"request_id\":\"r\",\"is_cold\":true,\"result\":{\"output\":%%q}}", now, now, version)
	})
	http.ListenAndServe(":9000", nil)
}
`

// writeTinyFunction writes version v of the tiny function to dir (its own module).
func writeTinyFunction(t *testing.T, dir, v string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tiny\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(fmt.Sprintf(tinyFunction, v)), 0o644))
}

// TestSupersededImagesRemoved (issue 11): a new version of a function removes its older images beyond
// SEBS_KEEP_IMAGES, never one a container uses, and never the one it runs. (Images younger than pruneGrace
// are spared too, for builds of parallel processes; the test sets it to 0.)
func TestSupersededImagesRemoved(t *testing.T) {
	RequireDocker(t)
	t.Setenv(envKeepImages, "1")
	grace := pruneGrace
	pruneGrace = 0 // the images are built here, seconds apart
	t.Cleanup(func() { pruneGrace = grace })
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "prune-test-"+strconv.Itoa(os.Getpid()))
	eng := openOrSkip(t)
	defer eng.Close()
	var refs []string
	t.Cleanup(func() {
		for _, ref := range refs {
			_, _ = eng.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		}
	})
	exists := func(ref string) bool {
		_, err := eng.ImageInspect(ctx, ref)
		if err != nil && !cerrdefs.IsNotFound(err) {
			t.Fatal(err)
		}
		return err == nil
	}
	start := func(v string) *Function {
		writeTinyFunction(t, dir, v)
		fn, err := Start(ctx, GoFunction(dir))
		require.NoError(t, err)
		refs = append(refs, fn.spec.ref)
		return fn
	}

	v1 := start("v1")
	v2 := start("v2")
	require.NotEqual(t, refs[0], refs[1], "two versions, two images")
	assert.True(t, exists(refs[0]), "v1's image is in use by a container: kept")
	require.NoError(t, v1.Stop(ctx))
	require.NoError(t, v2.Stop(ctx))

	v3 := start("v3")
	defer v3.Stop(ctx)
	assert.False(t, exists(refs[0]), "v1's image is superseded and unused: removed")
	assert.False(t, exists(refs[1]), "v2's image is superseded and unused: removed")
	assert.True(t, exists(refs[2]), "the running version's image is kept")

	t.Setenv(envKeepImages, "all")
	_, err := keepImages()
	assert.ErrorContains(t, err, envKeepImages)
}
