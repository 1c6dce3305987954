package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gosebs/sebs/fixtures"
)

// EnvBenchmarkDirs names the environment variable that gives BenchmarkSeBSDir its directories when the
// -sebs.dirs flag is not set.
const EnvBenchmarkDirs = "SEBS_BENCHMARK_DIRS"

// EnvBenchmarksData names the environment variable that gives BenchmarkSeBSDir its data root when the
// -sebs.data flag is not set.
const EnvBenchmarksData = "SEBS_BENCHMARKS_DATA"

var dataFlag = flag.String("sebs.data", "", "a copy of upstream's benchmarks-data repository (<group>/<NNN.name>/…), "+
	"the data generate_input reads (or set "+EnvBenchmarksData+")")

// dataRoot returns the data root flagValue names, or envValue when flagValue is empty, made absolute as
// -sebs.dirs entries are, and the setting it came from (for messages); "" when neither is set.
func dataRoot(flagValue, envValue string) (root, from string, err error) {
	value, from := flagValue, "-sebs.data"
	if value == "" {
		value, from = envValue, EnvBenchmarksData
	}
	if value == "" {
		return "", "-sebs.data (or " + EnvBenchmarksData + ")", nil
	}
	root, err = resolveDir(value)
	if err != nil {
		return "", from, fmt.Errorf("%s: %w", from, err)
	}
	return root, from, nil
}

var dirsFlag = flag.String("sebs.dirs", "", "comma-separated SeBS benchmark directories (with config.json and input.py), "+
	"or roots to search for them, such as upstream's benchmarks/ (or set "+EnvBenchmarkDirs+")")

// benchmarkDirs returns the benchmark directories flagValue names, or envValue when flagValue is empty: a
// comma-separated list of benchmark directories (holding config.json and input.py) and of roots searched
// for them (upstream's benchmarks/, or one of its groups such as benchmarks/500.scientific), sorted by
// name within each root. Relative paths are read from the package directory (where go test runs the
// benchmarks) and, when nothing is there, from the module root.
func benchmarkDirs(flagValue, envValue string) ([]string, error) {
	value, from := flagValue, "-sebs.dirs"
	if value == "" {
		value, from = envValue, EnvBenchmarkDirs
	}
	var dirs []string
	for _, entry := range splitList(value) {
		dir, err := resolveDir(entry)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		found, err := findBenchmarkDirs(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: %s holds no SeBS benchmark directory (a directory with config.json and input.py, "+
				"such as upstream's benchmarks/000.microbenchmarks/010.sleep)", from, dir)
		}
		for _, f := range found {
			if !slices.Contains(dirs, f) {
				dirs = append(dirs, f)
			}
		}
	}
	return dirs, nil
}

// resolveDir makes entry absolute: as given, else relative to the module root.
func resolveDir(entry string) (string, error) {
	candidates := []string{entry}
	if !filepath.IsAbs(entry) {
		if root, err := fixtures.Root(); err == nil {
			candidates = append(candidates, filepath.Join(filepath.Dir(root), entry))
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("%q is not a directory (relative paths are read from the benchmarks package and from the module root)", entry)
}

// maxSearchDepth bounds the search under a root: upstream's tree is benchmarks/<group>/<NNN.name>.
const maxSearchDepth = 3

// findBenchmarkDirs returns dir when it is a benchmark directory, else the benchmark directories under it
// (not looking inside one, nor deeper than maxSearchDepth), in lexical order.
func findBenchmarkDirs(dir string) ([]string, error) {
	if isBenchmarkDir(dir) {
		return []string{dir}, nil
	}
	var found []string
	var walk func(d string, depth int) error
	walk = func(d string, depth int) error {
		entries, err := os.ReadDir(d)
		if err != nil {
			return fmt.Errorf("search %s for benchmark directories: %w", d, err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			sub := filepath.Join(d, e.Name())
			switch {
			case isBenchmarkDir(sub):
				found = append(found, sub)
			case depth < maxSearchDepth:
				if err := walk(sub, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return found, walk(dir, 1)
}

// isBenchmarkDir reports whether dir has upstream's two benchmark files, config.json and input.py.
func isBenchmarkDir(dir string) bool {
	for _, name := range []string{"config.json", "input.py"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}
