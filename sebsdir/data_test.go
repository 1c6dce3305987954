package sebsdir_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs/sebsdir"
)

// TestDataDir: a benchmark's data is found under root/<group>/<name>, root/<name> or root itself; a
// root without it is ErrNoData naming the paths looked at; no root is no data and no error.
func TestDataDir(t *testing.T) {
	b := parse(t, filepath.Join(ours, "905.bucket-manifest"))
	root := t.TempDir()
	grouped := filepath.Join(root, "grouped", "upstream", b.Name)
	flat := filepath.Join(root, "flat", b.Name)
	for _, d := range []string{grouped, flat} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for in, want := range map[string]string{
		filepath.Join(root, "grouped"): grouped, filepath.Join(root, "flat"): flat, flat: flat, "": "",
	} {
		if got, err := sebsdir.DataDir(in, b); got != want || err != nil {
			t.Errorf("DataDir(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	empty := filepath.Join(root, "empty")
	got, err := sebsdir.DataDir(empty, b)
	if got != "" || !errors.Is(err, sebsdir.ErrNoData) || !strings.Contains(err.Error(), filepath.Join(empty, "upstream", b.Name)) ||
		!strings.Contains(err.Error(), filepath.Join(empty, b.Name)) {
		t.Errorf("DataDir(empty root) = %q, %v; want ErrNoData naming both paths looked at", got, err)
	}
}

// TestWithoutData: a failed generate_input without data says why there was none and what to set.
func TestWithoutData(t *testing.T) {
	b := parse(t, filepath.Join(ours, "905.bucket-manifest"))
	script := errors.New("generate_input raised FileNotFoundError")
	_, missing := sebsdir.DataDir(t.TempDir(), b)
	for _, tc := range []struct {
		missing error
		want    string
	}{{missing, "looked for"}, {nil, "no data root was given"}} {
		err := sebsdir.WithoutData(script, b, tc.missing, "-sebs.data")
		if !errors.Is(err, script) || !errors.Is(err, sebsdir.ErrNoData) || !strings.Contains(err.Error(), tc.want) ||
			!strings.Contains(err.Error(), "-sebs.data") {
			t.Errorf("WithoutData = %v; want the script's error, ErrNoData, %q and the setting", err, tc.want)
		}
	}
	if err := sebsdir.WithoutData(nil, b, missing, "-sebs.data"); err != nil {
		t.Errorf("WithoutData(nil) = %v", err)
	}
}
