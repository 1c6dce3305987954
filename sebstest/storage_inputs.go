package sebstest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/minioimage"
	"github.com/gosebs/sebs/sebsdir"
)

// Prepare lays out the inputs of a catalogue benchmark that needs storage (its Storage is set) for a size,
// as upstream's generate_input does with its upload_func: it creates the benchmark's bucket, stores the
// size's input objects, starts the file server when the benchmark fetches files over HTTP
// ([Storage.ServeFiles]), and returns the event to call the function with. Preparing a size twice stores
// the same objects again.
func (st *Storage) Prepare(ctx context.Context, b fixtures.Benchmark, size fixtures.Size) (map[string]any, error) {
	if b.Storage == nil {
		return nil, fmt.Errorf("sebstest: prepare %s: the benchmark needs no storage; call it with Input(%s)", b.Name, size)
	}
	objects, err := b.Storage.Objects(size)
	if err != nil {
		return nil, fmt.Errorf("sebstest: prepare %s (%s): %w", b.Name, size, err)
	}
	if err := st.host.MakeBucket(ctx, b.Storage.Bucket); err != nil {
		return nil, fmt.Errorf("sebstest: prepare %s (%s): %w", b.Name, size, err)
	}
	if b.Storage.Files != nil {
		if err := st.ServeFiles(ctx); err != nil {
			return nil, fmt.Errorf("sebstest: prepare %s (%s): %w", b.Name, size, err)
		}
	}
	for key, data := range objects {
		if err := st.host.Put(ctx, b.Storage.Bucket, key, data); err != nil {
			return nil, fmt.Errorf("sebstest: prepare %s (%s): %w", b.Name, size, err)
		}
	}
	return b.Input(size), nil
}

// UploadDir creates bucket if needed and stores every regular file under dir in it under prefix/<path
// relative to dir>, as upstream's upload_func does with a benchmark's data directory, and returns the keys.
func (st *Storage) UploadDir(ctx context.Context, bucket, prefix, dir string) ([]string, error) {
	if err := st.host.MakeBucket(ctx, bucket); err != nil {
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	keys, err := minioimage.UploadDir(ctx, st.host, bucket, prefix, dir)
	if err != nil {
		return keys, fmt.Errorf("sebstest: %w", err)
	}
	return keys, nil
}

// Get reads an object back, such as a function's output (its key is in the handler's output).
func (st *Storage) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	data, err := st.host.DownloadStream(ctx, bucket, key)
	if err != nil {
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	return data, nil
}

// PrepareDir stores the inputs of a SeBS benchmark directory that needs object storage for a size, as
// upstream's local platform does: it runs the directory's generate_input in sess with the bucket and
// prefixes upstream would give it ([sebsdir.Session.StorageBuckets]), creates the bucket, stores every
// file generate_input passed to upload_func under its key, and returns the input to call the function
// with (started [WithStorage](st)). Preparing a size twice stores the same objects again.
func (st *Storage) PrepareDir(ctx context.Context, sess *sebsdir.Session, size fixtures.Size) (json.RawMessage, error) {
	buckets := sess.StorageBuckets()
	input, uploads, err := sess.GenerateStorageInput(ctx, size, buckets)
	if err != nil {
		return nil, err
	}
	if err := st.host.MakeBucket(ctx, buckets.Bucket); err != nil {
		return nil, fmt.Errorf("sebstest: prepare %s (%s): %w", buckets.Bucket, size, err)
	}
	for _, u := range uploads {
		if u.Path != "" {
			err = st.host.PutFile(ctx, buckets.Bucket, u.Key, u.Path)
		} else {
			err = st.host.Put(ctx, buckets.Bucket, u.Key, u.Data)
		}
		if err != nil {
			return nil, fmt.Errorf("sebstest: prepare %s (%s): store what generate_input uploaded: %w", buckets.Bucket, size, err)
		}
	}
	return input, nil
}
