package sebstest

import (
	"context"
	"fmt"
	"path/filepath"

	tcnetwork "github.com/testcontainers/testcontainers-go/network"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// filesMemoryMB is the file server's memory limit: it keeps every served file in memory (about 37 MB).
const filesMemoryMB = 256

// ServeFiles starts, once per Storage, the file server that storage benchmarks fetch their URLs from
// ([fixtures.ServedFiles], such as 120.uploader's): a Go program (fixtures/internal/fileserver) in an image
// FROM scratch, started as every function is (unprivileged, read-only root, owner labels, swept), on the
// storage network under the name [fixtures.FilesHost], so functions reach it by name and nothing is fetched
// from outside. [Storage.Prepare] calls it for a benchmark that has Files; [Storage.Stop] removes it first.
func (st *Storage) ServeFiles(ctx context.Context) error {
	st.filesMu.Lock()
	defer st.filesMu.Unlock()
	if st.files != nil {
		return nil
	}
	root, err := fixtures.Root()
	if err != nil {
		return fmt.Errorf("sebstest: file server: %w", err)
	}
	fn, err := Start(ctx, GoFunction(filepath.Join(root, "internal", "fileserver")),
		WithName(fixtures.FilesHost), WithConfig(sebs.FunctionConfig{Timeout: 60, Memory: filesMemoryMB}),
		WithProgress(st.progress), tcnetwork.WithNetworkName([]string{fixtures.FilesHost}, st.network))
	if err != nil {
		return fmt.Errorf("sebstest: file server on %s: %w", st.network, err)
	}
	st.files = fn
	return nil
}

// stopFiles removes the file server, if one was started.
func (st *Storage) stopFiles(ctx context.Context) error {
	st.filesMu.Lock()
	defer st.filesMu.Unlock()
	if st.files == nil {
		return nil
	}
	err := st.files.Stop(ctx)
	st.files = nil
	return err
}
