package bench

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/files"
)

// Close writes experiments.json and perf-cost/result.csv, each merged with the file already in the folder
// (read back, extended, written to a temporary file and renamed over it, under a lock shared by the
// processes writing to the folder), and closes samples.jsonl. Close on a nil Recorder does nothing;
// calling it twice returns an error the second time.
func (r *Recorder) Close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("bench: close recorder: already closed")
	}
	r.closed = true
	r.logBlocks.release()
	defer r.kept.release() // when the merge fails before it reads them back
	errs := []error{r.closeSamples()}
	unlock, err := files.Lock(filepath.Join(r.dir, ".lock"))
	if err != nil {
		return fmt.Errorf("bench: close recorder: %w", errors.Join(append(errs, err)...))
	}
	defer unlock()
	if r.calls > 0 {
		keys, spillErr, err := r.kept.scan(&r.perf)
		if spillErr != nil {
			errs = append(errs, fmt.Errorf("%w (the results were kept in memory instead; the files are complete)", spillErr))
		}
		// On err the kept results after some point could not be read back: the files get those before it,
		// and Close says so.
		errs = append(errs, err, r.mergeExperiments(keys), r.mergePerfCost())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bench: close recorder of %s: %w", r.dir, err)
	}
	return nil
}

func (r *Recorder) mergePerfCost() error {
	path := filepath.Join(r.dir, perfCostCSVFile)
	var rows []sebs.PerfCostRow
	switch f, err := os.Open(path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	default:
		rows, err = sebs.ReadPerfCostCSV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("merge with %s: %w (move the file away to start afresh)", path, err)
		}
	}
	rows = append(rows, r.perf.Rows...)
	var buf bytes.Buffer
	if err := sebs.WritePerfCostCSV(&buf, rows); err != nil {
		return err
	}
	return files.WriteAtomic(path, buf.Bytes())
}

// config is experiments.json's "config", built by [sebs.UpstreamExperimentsConfig] so that upstream's
// loader reads it: the runtime of the functions recorded (the first, in a stable order, when there are
// several: upstream's config names one; the perf-cost settings list every language), the architecture
// of this process, and the perf-cost settings, whose lists name every configuration recorded. It holds
// no environment values and no credentials.
func (r *Recorder) config() map[string]any {
	var benchmarks, languages, modes, sizes []string
	for k := range r.runs {
		benchmarks = appendNew(benchmarks, k.benchmark)
		languages = appendNew(languages, k.language)
		modes = appendNew(modes, k.mode)
		sizes = appendNew(sizes, k.size)
	}
	arch := sebs.ArchX64
	if runtime.GOARCH == "arm64" {
		arch = sebs.ArchARM64
	}
	return sebs.UpstreamExperimentsConfig(r.runtime(), arch, map[string]any{
		"perf-cost": map[string]any{
			"benchmark":              strings.Join(benchmarks, ","),
			"experiments":            modes,
			"input-size":             strings.Join(sizes, ","),
			"repetitions":            r.calls,
			"concurrent-invocations": max(r.maxConc, 1),
			"memory-sizes":           []int{},
			"languages":              languages,
		},
	})
}

// runtime is the runtime experiments.json's config names: the first of those recorded, ordered by
// language, version and variant; Python when none was (upstream's default).
func (r *Recorder) runtime() sebs.Runtime {
	rts := slices.Collect(maps.Keys(r.rts))
	if len(rts) == 0 {
		return sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11"}
	}
	slices.SortFunc(rts, func(a, b sebs.Runtime) int {
		return cmp.Or(cmp.Compare(a.Language, b.Language), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Variant, b.Variant))
	})
	return rts[0]
}

// mergeConfig folds an earlier run's perf-cost settings into this run's, so a file that several processes
// wrote (make bench runs two) describes all it holds: the union of benchmarks, sizes, modes and languages,
// the sum of repetitions, the largest concurrency. A config in another layout is replaced by this run's.
func mergeConfig(old, cur map[string]any) map[string]any {
	if len(cur) == 0 { // a run without a config ({} as written) leaves the earlier ones' as they were
		return old
	}
	op, ok1 := perfCostSettings(old)
	cp, ok2 := perfCostSettings(cur)
	if !ok1 || !ok2 {
		return cur
	}
	for _, key := range []string{"benchmark", "input-size"} {
		a, _ := op[key].(string)
		b, _ := cp[key].(string)
		cp[key] = strings.Join(unionOf(strings.Split(a, ","), strings.Split(b, ",")), ",")
	}
	for _, key := range []string{"experiments", "languages"} {
		cp[key] = unionOf(stringsOf(op[key]), stringsOf(cp[key]))
	}
	cp["repetitions"] = numberOf(op["repetitions"]) + numberOf(cp["repetitions"])
	cp["concurrent-invocations"] = max(numberOf(op["concurrent-invocations"]), numberOf(cp["concurrent-invocations"]))
	return cur
}

// perfCostSettings finds config.experiments.experiments["perf-cost"].
func perfCostSettings(cfg map[string]any) (map[string]any, bool) {
	e, _ := cfg["experiments"].(map[string]any)
	ee, _ := e["experiments"].(map[string]any)
	pc, ok := ee["perf-cost"].(map[string]any)
	return pc, ok
}

// stringsOf reads a JSON list of strings ([]any once decoded, []string when built here).
func stringsOf(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		var out []string
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// numberOf reads a JSON number (float64 once decoded, int when built here).
func numberOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

// unionOf returns the sorted, non-empty strings of a and b, each once.
func unionOf(a, b []string) []string {
	var out []string
	for _, s := range slices.Concat(a, b) {
		if s != "" {
			out = appendNew(out, s)
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if found {
		return list
	}
	return slices.Insert(list, i, s)
}
