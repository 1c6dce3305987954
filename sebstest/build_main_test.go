package sebstest

import (
	"context"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// libraryDir is a package of this module that is not main: the serve library.
func libraryDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../serve")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGoBuildRefusesLibrary: go build of a library package writes an archive, not a program; the build
// step says "not a main package" and names the package, instead of handing the archive on to an image.
func TestGoBuildRefusesLibrary(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, bin, err := goBuild(ctx, libraryDir(t), runtime.GOARCH, io.Discard)
	if err == nil {
		t.Fatalf("go build of the serve library succeeded (%d bytes, starting %q); want a not-a-main-package error", len(bin), bin[:min(len(bin), 8)])
	}
	for _, want := range []string{"not a main package", "package serve", "serve.Main"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestStartRefusesLibraryBeforeImage: Start of a library package fails at build time, and no image of it
// is built.
func TestStartRefusesLibraryBeforeImage(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	images := func() int {
		eng := openOrSkip(t)
		defer eng.Close()
		res, err := eng.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("reference", "sebs-go-serve")})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Items)
	}
	before := images()
	fn, err := Start(ctx, GoFunction(libraryDir(t)))
	if err == nil {
		_ = fn.Stop(ctx)
		t.Fatal("Start of a library package succeeded")
	}
	if !strings.Contains(err.Error(), "not a main package") {
		t.Errorf("error %q does not say \"not a main package\"", err)
	}
	if after := images(); after != before {
		t.Errorf("%d sebs-go-serve image(s) before, %d after: an image of the library was built", before, after)
	}
}
