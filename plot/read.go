package plot

import (
	"errors"
	"fmt"

	"github.com/gosebs/sebs"
)

// Sample is one invocation as samples.jsonl records it: the record the benchmark helpers write (see
// [sebs.Sample]).
type Sample = sebs.Sample

// ErrNoSamples is returned when a samples file holds no sample at all.
var ErrNoSamples = errors.New("no samples")

// readSamples reads the samples file at path with [sebs.ReadSamples], the one reader of samples.jsonl; a
// file without a sample is [ErrNoSamples].
func readSamples(path string) ([]Sample, error) {
	samples, err := sebs.ReadSamples(path)
	if err != nil {
		return nil, fmt.Errorf("%w (run the benchmarks with SEBS_RESULTS_DIR set to write it)", err)
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("read %s: %w", path, ErrNoSamples)
	}
	return samples, nil
}
