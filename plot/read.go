package plot

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gosebs/sebs"
)

// Sample is one invocation as samples.jsonl records it: the record the benchmark helpers write (see
// [sebs.Sample]).
type Sample = sebs.Sample

// ErrNoSamples is returned when a samples file holds no sample at all.
var ErrNoSamples = errors.New("no samples")

// ReadSamplesFile reads the samples file at path (one JSON object per line; blank lines are skipped).
func ReadSamplesFile(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read samples: %w (run the benchmarks with SEBS_RESULTS_DIR set to write it)", err)
	}
	defer f.Close()
	samples, err := ReadSamples(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return samples, nil
}

// ReadSamples reads samples, one JSON object per line, from r. A line that is not a sample is an error that
// names the line; a last line cut off by a run that died is one too. No sample at all gives ErrNoSamples.
func ReadSamples(r io.Reader) ([]Sample, error) {
	samples, err := sebs.DecodeSamples(r)
	if err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, ErrNoSamples
	}
	return samples, nil
}
