package sebsdir

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/gosebs/sebs/fixtures"
)

// BenchmarksBucket is the bucket a storage benchmark's inputs and outputs go to, as upstream's
// "sebs-benchmarks-<resources id>" (one bucket, a prefix per benchmark and index).
const BenchmarksBucket = "sebs-benchmarks-gosebs"

// Buckets is where a storage benchmark's data goes, as upstream's generate_input receives it: the
// benchmarks bucket and the input and output prefixes inside it.
type Buckets struct {
	Bucket string   `json:"bucket"`
	Input  []string `json:"input"`
	Output []string `json:"output"`
}

// StorageBuckets returns the bucket and prefixes upstream would give this benchmark: [BenchmarksBucket],
// and buckets_count()'s (n, m) prefixes named "<benchmark>-<i>-input" and "<benchmark>-<i>-output". A
// benchmark without buckets_count gets the bucket and no prefix.
func (s *Session) StorageBuckets() Buckets {
	b := Buckets{Bucket: BenchmarksBucket, Input: []string{}, Output: []string{}}
	if c := s.hello.Buckets; c != nil {
		for i := range c[0] {
			b.Input = append(b.Input, fmt.Sprintf("%s-%d-input", s.bench.Name, i))
		}
		for i := range c[1] {
			b.Output = append(b.Output, fmt.Sprintf("%s-%d-output", s.bench.Name, i))
		}
	}
	return b
}

// Upload is one object generate_input asked upload_func to store: its key (upstream's "<input
// prefix>/<name>") and its content, as a file of the data directory on this host (Path) or, for a file
// the script made itself inside the driver's container, as bytes (Data).
type Upload struct {
	Key  string
	Path string
	Data []byte
}

// GenerateStorageInput calls generate_input for size as upstream does for a benchmark with storage:
// generate_input(data_dir, size, bucket, input prefixes, output prefixes, upload_func, nosql_func) with
// the bucket and prefixes of b. The driver has no network: its upload_func records each upload, and the
// caller stores them (sebstest's Storage.PrepareDir does, into its server). nosql_func still fails
// (matching [ErrNeedsNoSQL]). It returns the input as Python's json.dumps wrote it and the uploads in the
// order the script made them.
func (s *Session) GenerateStorageInput(ctx context.Context, size fixtures.Size, b Buckets) (json.RawMessage, []Upload, error) {
	if err := checkSize(size); err != nil {
		return nil, nil, err
	}
	if b.Input == nil {
		b.Input = []string{}
	}
	if b.Output == nil {
		b.Output = []string{}
	}
	var resp struct {
		reply
		Input   json.RawMessage `json:"input"`
		Uploads []struct {
			Key      string `json:"key"`
			DataPath string `json:"data_path"`
			Data     []byte `json:"data"` // base64 in JSON
		} `json:"uploads"`
	}
	if err := s.call(ctx, map[string]any{"op": "generate", "size": size, "storage": b}, &resp); err != nil {
		return nil, nil, err
	}
	uploads := make([]Upload, 0, len(resp.Uploads))
	for _, u := range resp.Uploads {
		up := Upload{Key: u.Key, Data: u.Data}
		if u.DataPath != "" {
			if s.dataDir == "" || !filepath.IsLocal(u.DataPath) {
				return nil, nil, fmt.Errorf("sebsdir: %s: the driver named %q as a file of the data directory %q", s.bench.Name, u.DataPath, s.dataDir)
			}
			up.Path = filepath.Join(s.dataDir, filepath.FromSlash(u.DataPath))
		}
		uploads = append(uploads, up)
	}
	return resp.Input, uploads, nil
}
