package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	cases := []struct {
		args               []string
		pkg, base, bench   string
		count              int
		testArgs           []string
		baseFile, headFile string
		units              string
	}{
		{args: []string{"./bench"}, pkg: "./bench", base: "HEAD", bench: ".", count: 10},
		{args: []string{"-base", "origin/main", "-count", "6", "./bench", "--", "-sebs.python=false", "x"},
			pkg: "./bench", base: "origin/main", bench: ".", count: 6, testArgs: []string{"-sebs.python=false", "x"}},
		{args: []string{"./bench", "-bench", "Sleep", "-count=7"}, pkg: "./bench", base: "HEAD", bench: "Sleep", count: 7},
		{args: []string{"compare", "a.out", "b.out"}, baseFile: "a.out", headFile: "b.out", base: "HEAD", bench: ".", count: 10},
		{args: []string{"-threshold", "0.2", "old.txt", "new.txt"}, baseFile: "old.txt", headFile: "new.txt", base: "HEAD", bench: ".", count: 10},
		{args: []string{"-units", "sec/op,client-sec/call", "a.txt", "b.txt"}, baseFile: "a.txt", headFile: "b.txt",
			base: "HEAD", bench: ".", count: 10, units: "sec/op,client-sec/call"},
	}
	for _, c := range cases {
		inv, err := parseArgs(c.args, io.Discard)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		o := inv.run
		if o.Package != c.pkg || o.Base != c.base || o.Bench != c.bench || o.Count != c.count ||
			!slices.Equal(o.TestArgs, c.testArgs) || inv.baseFile != c.baseFile || inv.headFile != c.headFile {
			t.Errorf("%q: got package %q base %q bench %q count %d test args %q files %q %q", c.args,
				o.Package, o.Base, o.Bench, o.Count, o.TestArgs, inv.baseFile, inv.headFile)
		}
		if c.units != "" && strings.Join(o.Gate.Units, ",") != c.units {
			t.Errorf("%q: units %v, want %s", c.args, o.Gate.Units, c.units)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"./a", "./b"},
		{"compare", "a.txt"},
		{"-count", "many", "./bench"},
		{"a.txt", "b.txt", "--", "-x"},
		{"-count", "3", "./bench"},
	} {
		var stderr strings.Builder
		if code := run(t.Context(), args, io.Discard, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr:\n%s", args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "sebs-gate") {
			t.Errorf("%q: stderr does not say who failed:\n%s", args, stderr.String())
		}
	}
}

// results writes n benchmark results with times scaled by f to a file and returns its path.
func results(t *testing.T, name string, f float64) string {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, "BenchmarkSleep/mode=sequential-2 100 %.0f ns/op %.0f client-ns/call\n",
			1e6*f*(1+0.01*float64(i%4)), 9e5*f*(1+0.01*float64(i%3)))
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompareModeExitCodes(t *testing.T) {
	base := results(t, "base.txt", 1)
	for _, c := range []struct {
		head string
		code int
		want string
	}{
		{results(t, "same.txt", 1), 0, "no significant regression above 10% in 2 metric(s)"},
		{results(t, "slow.txt", 1.5), 1, "2 metric(s) regressed"},
		{results(t, "fast.txt", 0.5), 0, "no significant regression"},
	} {
		var stdout, stderr strings.Builder
		if code := run(t.Context(), []string{"compare", base, c.head}, &stdout, &stderr); code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", filepath.Base(c.head), code, c.code, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%s: output lacks %q:\n%s", filepath.Base(c.head), c.want, stdout.String())
		}
	}
	var stderr strings.Builder
	if code := run(t.Context(), []string{base, filepath.Join(t.TempDir(), "missing.txt")}, io.Discard, &stderr); code != 2 {
		t.Errorf("a missing file: exit %d, want 2", code)
	}
}
