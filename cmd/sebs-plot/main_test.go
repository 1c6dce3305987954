package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	line := `{"function":"sleep","language":"go","mode":"warm","is_cold":false,"client_ns":700000,"http_startup_ns":150000,"first_byte_ns":650000,"server_ns":100000}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "samples.jsonl"), []byte(strings.Repeat(line, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if want := filepath.Join(dir, "report.svg"); !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout %q does not name %s", stdout.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.svg")); err != nil {
		t.Error(err)
	}
}

// twoBenchmarks writes the samples of two benchmarks, sleep and graph-bfs, to a new directory.
func twoBenchmarks(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var lines strings.Builder
	for _, b := range []string{"sleep", "graph-bfs"} {
		for _, lang := range []string{"go", "python"} {
			for _, mode := range []string{"warm", "cold"} {
				fmt.Fprintf(&lines, `{"benchmark":%q,"function":%q,"language":%q,"size":"test","mode":%q,"is_cold":%t,"client_ns":700000,"http_startup_ns":150000,"first_byte_ns":650000,"server_ns":100000}`+"\n",
					b, b, lang, mode, mode == "cold")
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "samples.jsonl"), []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunFiltered(t *testing.T) {
	dir := twoBenchmarks(t)
	out := filepath.Join(t.TempDir(), "sleep.svg")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-o", out, "-benchmark", "sleep", "-lang", "python,go", "-mode", "warm", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(data)
	for _, want := range []string{"<svg", "sleep: 2 invocations", "go / warm (n=1)", "python / warm (n=1)", "client time (ms)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("filtered report lacks %q", want)
		}
	}
	for _, unwanted := range []string{"graph-bfs", "/ cold"} {
		if strings.Contains(svg, unwanted) {
			t.Errorf("filtered report shows %q", unwanted)
		}
	}
}

func TestRunErrors(t *testing.T) {
	corrupt := t.TempDir()
	if err := os.WriteFile(filepath.Join(corrupt, "samples.jsonl"), []byte("{\"function\":\"a\",\"client_ns\":1}\nnot json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no directory", nil, 2, "usage: sebs-plot"},
		{"bad flag", []string{"-x", "d"}, 2, "flag provided but not defined"},
		{"missing samples", []string{t.TempDir()}, 1, "samples.jsonl"},
		{"corrupt samples", []string{corrupt}, 1, "line 2"},
		{"filter keeps nothing", []string{"-benchmark", "nope", twoBenchmarks(t)}, 1, "filter keeps none"},
		{"empty filter", []string{"-lang", ",", twoBenchmarks(t)}, 2, "empty list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}
