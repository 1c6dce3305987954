package sebsdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoData: a benchmark's data directory (upstream's benchmarks-data/<group>/<NNN.name>) was not found.
var ErrNoData = errors.New("benchmark data directory not found")

// DataDir finds b's data directory under root, a tree laid out as upstream's benchmarks-data repository:
// root/<group>/<name> (the group is the name of b's parent directory, as benchmarks/300.utilities holds
// 311.compression), else root/<name>, else root itself when it is named after b. It returns "" and nil
// when root is "" (no data given: generate_input gets None, as upstream when it finds no data), and an
// error matching [ErrNoData] that names the paths looked at when none exists.
func DataDir(root string, b *Benchmark) (string, error) {
	if root == "" {
		return "", nil
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("sebsdir: data root %s: %w", root, err)
	}
	candidates := []string{
		filepath.Join(abs, filepath.Base(filepath.Dir(b.Dir)), b.Name),
		filepath.Join(abs, b.Name),
	}
	if filepath.Base(abs) == b.Name {
		candidates = append(candidates, abs)
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
	}
	return "", fmt.Errorf("sebsdir: benchmark %s: %w: looked for %s and %s (upstream keeps them in its benchmarks-data repository)",
		b.Name, ErrNoData, candidates[0], candidates[1])
}

// WithoutData explains a failed generate_input of b when it ran without a data directory: the error,
// with the reason (missing, from [DataDir]; or no data root given at all) and what to set. An error that
// is nil stays nil.
func WithoutData(err error, b *Benchmark, missing error, setting string) error {
	if err == nil {
		return nil
	}
	if missing == nil {
		missing = fmt.Errorf("sebsdir: benchmark %s: %w: no data root was given", b.Name, ErrNoData)
	}
	return fmt.Errorf("%w\n(generate_input ran with data_dir None: %w; point %s at a copy of upstream's benchmarks-data)", err, missing, setting)
}
