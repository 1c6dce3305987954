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
		doc     *experimentsDoc
		rows    []sebs.PerfCostRow
		samples bytes.Buffer
	)
	for _, src := range srcs {
		res, err := readSamplesAndRows(src)
		if err != nil {
			return fmt.Errorf("bench: merge: %w", err)
		}
		for _, s := range res.Samples {
			line, err := s.AppendJSON(samples.AvailableBuffer())
			if err != nil {
				return fmt.Errorf("bench: merge %s: encode sample: %w", src, err)
			}
			samples.Write(append(line, '\n'))
		}
		// The invocations stay JSON (experimentsDoc): a merge of long runs holds them as bytes, not decoded.
		e, err := readExperimentsDoc(filepath.Join(src, experimentsFile))
		if err == nil && e != nil {
			err = e.check() // a shard ReadResults could not read would make a merged folder it cannot read either
		}
		switch {
		case err != nil:
			return fmt.Errorf("bench: merge: read results of %s: %w", src, err)
		case e == nil:
		case doc == nil:
			doc = e
		default:
			cfg := mergeConfig(doc.exp.Config, e.exp.Config)
			doc.merge(e)
			doc.exp.Config = cfg
		}
		rows = append(rows, res.Rows...)
	}
	if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(perfCostCSVFile)), 0o755); err != nil {
		return fmt.Errorf("bench: merge: create %s: %w", dst, err)
	}
	if err := files.WriteAtomic(filepath.Join(dst, samplesFile), samples.Bytes()); err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	if doc != nil {
		if err := doc.write(filepath.Join(dst, experimentsFile), nil, nil); err != nil {
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

// Results is what a results folder written by a [Recorder] (or [Merge]) holds.
type Results struct {
	// Samples is samples.jsonl, every call in the order written.
	Samples []sebs.Sample
	// Experiments is experiments.json; nil when the folder has none (no call was kept for it).
	Experiments *sebs.ExperimentResult
	// Rows is perf-cost/result.csv; nil when the folder has none.
	Rows []sebs.PerfCostRow
}

// ReadResults reads the result files of the folder dir. samples.jsonl must be there (a Recorder creates
// it first); experiments.json and perf-cost/result.csv may be missing.
func ReadResults(dir string) (*Results, error) {
	res, err := readSamplesAndRows(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, experimentsFile)
	switch data, err := os.ReadFile(path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read results: %w", err)
	default:
		res.Experiments = new(sebs.ExperimentResult)
		if err := json.Unmarshal(data, res.Experiments); err != nil {
			return nil, fmt.Errorf("read results: %s: %w", path, err)
		}
	}
	return res, nil
}

// readSamplesAndRows reads samples.jsonl and result.csv of the results folder dir, as ReadResults does.
func readSamplesAndRows(dir string) (*Results, error) {
	samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
	if err != nil {
		return nil, fmt.Errorf("read results of %s: %w (is it a results folder? a Recorder writes %s first)", dir, err, samplesFile)
	}
	res := &Results{Samples: samples}
	path := filepath.Join(dir, perfCostCSVFile)
	switch f, err := os.Open(path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read results: %w", err)
	default:
		defer f.Close()
		if res.Rows, err = sebs.ReadPerfCostCSV(f); err != nil {
			return nil, fmt.Errorf("read results: %s: %w", path, err)
		}
	}
	return res, nil
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
