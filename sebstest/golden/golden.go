// Package golden compares results with golden files: JSON normalised so that what changes from run to run
// (times, durations, ids, container ids, ports, memory readings) does not fail the comparison, written as
// upstream SeBS writes JSON, and rewritten on request (-sebs.update, or SEBS_UPDATE_GOLDEN=1 for a whole
// go test ./... run). [Output] keeps a function's handler output, what users should keep; [Result] keeps
// a whole value, such as an invocation result; [JSON] is the normalisation itself.
package golden

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/files"
)

// EnvUpdate is the environment variable that turns on update mode for [Output] and [Result] in every package of
// a run: SEBS_UPDATE_GOLDEN=1 go test ./...
const EnvUpdate = "SEBS_UPDATE_GOLDEN"

// updateFlag is set from -sebs.update; it is nil unless the flag is on the command line (see init).
var updateFlag *bool

// init registers -sebs.update only when it appears on the command line, as net/http/httptest does with
// -httptest.serve: the flag set of every program that imports this package stays clean. A plain -update
// is left alone: test packages define their own, and two definitions of one flag panic.
func init() {
	for _, a := range os.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "sebs.update" && flag.Lookup("sebs.update") == nil {
			updateFlag = flag.Bool("sebs.update", false, "rewrite the golden files package golden compares with")
			return
		}
	}
}

// Output compares the handler output of res (its result.output, see [sebs.ExecutionResult.HandlerOutput])
// with the golden file <dir>/<name>.golden, as [Result] does: what a function returns is what its users
// should keep in a golden file.
func Output(tb testing.TB, name string, res *sebs.ExecutionResult, opts ...Option) {
	tb.Helper()
	out, err := res.HandlerOutput()
	if err != nil {
		tb.Errorf("golden %s: %v", name, err)
		return
	}
	Result(tb, name, out, opts...)
}

// Result compares got with the golden file <dir>/<name>.golden (dir is "testdata" unless [Dir] says
// otherwise) and marks the test failed, with a go-cmp diff, when they differ.
//
// got, typically a whole [sebs.ExecutionResult] or a value holding one, is normalised by [JSON]: encoded
// to JSON, volatile fields (times, durations, ids, container ids, ports, memory readings; see [Mask] and
// [Keep]) replaced by placeholders that keep their key and type, and written with sorted keys and
// two-space indent. The comparison decodes both sides and compares JSON
// values, so formatting of a hand-edited file does not matter; numbers compare by value (within
// [Tolerance]).
//
// In update mode Result writes the file instead of comparing, creating directories as needed. Update mode is
// on when the test binary is run with -sebs.update (go test ./pkg -run TestX -sebs.update), when
// SEBS_UPDATE_GOLDEN=1 (which also works for go test ./..., where packages that do not import golden would
// reject the flag), or when [Update](true) is given. Review the rewritten files with git diff.
//
// Result reports problems with tb.Errorf and returns, so one test may check several golden files.
func Result(tb testing.TB, name string, got any, opts ...Option) {
	tb.Helper()
	c := newConfig(opts)
	if !filepath.IsLocal(name) {
		tb.Errorf("golden: name %q must be a relative path inside the golden directory", name)
		return
	}
	path := filepath.Join(c.dir, name+".golden")
	gotJSON, err := normalise(got, c)
	if err != nil {
		tb.Errorf("golden %s: %v", path, err)
		return
	}
	update, err := c.updating()
	if err != nil {
		tb.Errorf("golden %s: %v", path, err)
		return
	}
	if update {
		if err := writeGolden(path, gotJSON); err != nil {
			tb.Errorf("golden: %v", err)
			return
		}
		tb.Logf("golden: wrote %s", path)
		return
	}
	wantJSON, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Errorf("golden file %s does not exist; create it with %s, then review and commit it", path, updateHint(tb))
		return
	}
	if err != nil {
		tb.Errorf("golden: read %s: %v", path, err)
		return
	}
	want, err := decodeGeneric(wantJSON)
	if err != nil {
		tb.Errorf("golden %s is not valid JSON (%v); recreate it with %s", path, err, updateHint(tb))
		return
	}
	gotValue, err := decodeGeneric(gotJSON)
	if err != nil { // cannot happen: gotJSON was just encoded
		tb.Errorf("golden %s: %v", path, err)
		return
	}
	if diff := cmp.Diff(want, gotValue, numberComparer(c.tolerance)); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s\nIf the change is intended, update the file with %s and review git diff %s",
			name, diff, updateHint(tb), path)
	}
}

// updating says whether this call rewrites the golden file.
func (c *config) updating() (bool, error) {
	if c.update != nil {
		return *c.update, nil
	}
	env := os.Getenv(EnvUpdate)
	on := updateFlag != nil && *updateFlag
	if env == "" {
		return on, nil
	}
	envOn, err := strconv.ParseBool(env)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not a boolean: set it to 1 to update golden files, or unset it: %w", EnvUpdate, env, err)
	}
	return on || envOn, nil
}

// updateHint is the command that rewrites the test's golden files.
func updateHint(tb testing.TB) string {
	return fmt.Sprintf("go test -run '^%s$' -sebs.update (or %s=1 go test ./...)", tb.Name(), EnvUpdate)
}

// writeGolden writes data to path atomically, creating the directory if needed.
func writeGolden(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create the directory of %s: %w", path, err)
	}
	return files.WriteAtomic(path, data)
}

// numberComparer compares JSON numbers by value: equal text, or float values within tolerance (a fraction
// of the larger magnitude).
func numberComparer(tolerance float64) cmp.Option {
	return cmp.Comparer(func(a, b json.Number) bool {
		if a == b {
			return true
		}
		x, errX := strconv.ParseFloat(string(a), 64)
		y, errY := strconv.ParseFloat(string(b), 64)
		if errX != nil || errY != nil {
			return false
		}
		return x == y || math.Abs(x-y) <= tolerance*math.Max(math.Abs(x), math.Abs(y))
	})
}
