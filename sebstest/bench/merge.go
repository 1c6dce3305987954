package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/files"
)

// Merge writes into the folder dst the results of the runs in the folders srcs (each written by a
// [Recorder], e.g. one per shard of a benchmark run on several machines): one experiments.json holding
// every invocation (upstream's ExperimentResult, its config the union of the runs' settings, as the
// Recorder merges two processes' files), one perf-cost/result.csv with every row, and one samples.jsonl
// with every sample, in the order of srcs. A source folder must hold samples.jsonl; experiments.json and
// result.csv may be missing (a run whose calls were all cold warm-mode calls writes neither).
//
// dst is created if needed and must not hold result files already, nor be one of srcs: Merge never
// overwrites a run.
func Merge(dst string, srcs ...string) error {
	if len(srcs) == 0 {
		return errors.New("bench: merge: no results folders given; name the folders the shards wrote")
	}
	if err := checkMergeTarget(dst, srcs); err != nil {
		return fmt.Errorf("bench: merge into %s: %w", dst, err)
	}
	var (
		exp     sebs.ExperimentResult
		hasExp  bool
		rows    []sebs.PerfCostRow
		samples bytes.Buffer
	)
	for _, src := range srcs {
		if err := mergeSamples(&samples, src); err != nil {
			return fmt.Errorf("bench: merge %s: %w", src, err)
		}
		e, ok, err := readExperiments(src)
		if err != nil {
			return fmt.Errorf("bench: merge %s: %w", src, err)
		}
		if ok {
			cfg := e.Config
			if hasExp && exp.Config != nil && cfg != nil {
				cfg = mergeConfig(exp.Config, cfg)
			}
			exp.Merge(e)
			exp.Config, hasExp = cfg, true
		}
		r, err := readPerfCost(src)
		if err != nil {
			return fmt.Errorf("bench: merge %s: %w", src, err)
		}
		rows = append(rows, r...)
	}
	if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(perfCostCSVFile)), 0o755); err != nil {
		return fmt.Errorf("bench: merge: create %s: %w", dst, err)
	}
	if err := files.WriteAtomic(filepath.Join(dst, samplesFile), samples.Bytes()); err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	if hasExp {
		data, err := sebs.MarshalUpstream(exp)
		if err == nil {
			err = files.WriteAtomic(filepath.Join(dst, experimentsFile), data)
		}
		if err != nil {
			return fmt.Errorf("bench: merge: write %s: %w", experimentsFile, err)
		}
	}
	if len(rows) > 0 {
		var buf bytes.Buffer
		err := sebs.WritePerfCostCSV(&buf, rows)
		if err == nil {
			err = files.WriteAtomic(filepath.Join(dst, perfCostCSVFile), buf.Bytes())
		}
		if err != nil {
			return fmt.Errorf("bench: merge: write %s: %w", perfCostCSVFile, err)
		}
	}
	return nil
}

// checkMergeTarget refuses a destination that is a source or already holds results.
func checkMergeTarget(dst string, srcs []string) error {
	d, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		if s, err := filepath.Abs(src); err == nil && s == d {
			return errors.New("the destination is one of the folders to merge; name a new folder")
		}
	}
	for _, name := range []string{samplesFile, experimentsFile, perfCostCSVFile} {
		if _, err := os.Stat(filepath.Join(dst, name)); err == nil {
			return fmt.Errorf("it already holds %s; name a new folder (merging never overwrites a run)", name)
		}
	}
	return nil
}

// mergeSamples appends the samples of src's samples.jsonl to buf, one JSON object a line, after checking
// every line with sebs.DecodeSamples.
func mergeSamples(buf *bytes.Buffer, src string) error {
	samples, err := sebs.ReadSamples(filepath.Join(src, samplesFile))
	if err != nil {
		return fmt.Errorf("%w (is it a results folder? a Recorder writes %s first)", err, samplesFile)
	}
	for _, s := range samples {
		line, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode sample: %w", err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return nil
}

// readExperiments reads src's experiments.json; ok is false when there is none.
func readExperiments(src string) (e *sebs.ExperimentResult, ok bool, err error) {
	path := filepath.Join(src, experimentsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	e = new(sebs.ExperimentResult)
	if err := json.Unmarshal(data, e); err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	return e, true, nil
}

// readPerfCost reads src's perf-cost/result.csv; none is no rows.
func readPerfCost(src string) ([]sebs.PerfCostRow, error) {
	path := filepath.Join(src, perfCostCSVFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := sebs.ReadPerfCostCSV(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}
