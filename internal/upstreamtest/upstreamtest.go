// Package upstreamtest builds, for tests only, a stand-in for an upstream SeBS local image: an entrypoint
// that needs root to make its user, upstream's command and single-threaded server, on our Python base
// image. The tests of sebstest and sebstest/bench run functions on it.
package upstreamtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// StandIn builds the stand-in upstream image from testdata/upstream on the Python base image,
// tagged by a hash of its files and base, unless the engine has it already. It carries our labels, so
// `make clean-images` removes it.
func StandIn(ctx context.Context, t *testing.T, base, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	labels := owner.Labels()
	labels[owner.LabelKind] = owner.KindImage
	var files []buildctx.File
	h := sha256.New()
	h.Write([]byte(base))
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		info, err := e.Info()
		require.NoError(t, err)
		if e.Name() == "Dockerfile" {
			data = append(data, buildctx.LabelLine(labels)...)
		}
		files = append(files, buildctx.File{Name: e.Name(), Mode: int64(info.Mode().Perm()), Data: data})
		h.Write([]byte(e.Name() + "\x00" + info.Mode().String() + "\x00"))
		h.Write(data)
	}
	buf, err := buildctx.Tar(files...)
	require.NoError(t, err)
	ref := "sebs-upstream-standin:" + hex.EncodeToString(h.Sum(nil))[:16]

	cli, err := engine.Open(ctx)
	require.NoError(t, err)
	defer cli.Close()
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return ref
	}
	res, err := cli.ImageBuild(ctx, buf, client.ImageBuildOptions{
		Tags: []string{ref}, Remove: true, ForceRemove: true, BuildArgs: map[string]*string{"BASE": &base},
	})
	require.NoError(t, err)
	defer res.Body.Close()
	require.NoError(t, buildctx.Drain(res.Body), "build %s", ref)
	_, err = cli.ImageInspect(ctx, ref)
	require.NoError(t, err, "the build of %s reported no error but made no image", ref)
	return ref
}
