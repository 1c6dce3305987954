package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunUsageAndErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage"},
		{[]string{filepath.Join(dir, "out")}, 2, "usage"},
		{[]string{filepath.Join(dir, "out"), filepath.Join(dir, "missing")}, 1, "results folder"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}

func TestRunMergesAndDraws(t *testing.T) {
	dir := t.TempDir()
	line := `{"benchmark":"sleep","function":"sleep","language":"go","mode":"warm","size":"test","is_cold":false,"client_ns":700000,"http_startup_ns":150000,"first_byte_ns":650000,"server_ns":100000}` + "\n"
	var srcs []string
	for _, name := range []string{"a", "b"} {
		src := filepath.Join(dir, name)
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "samples.jsonl"), []byte(strings.Repeat(line, 2)), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	out := filepath.Join(dir, "merged")
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{out}, srcs...), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "4 samples") || !strings.Contains(stdout.String(), "report.svg") {
		t.Errorf("stdout %q: want 4 samples and the report", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(out, "report.svg")); err != nil {
		t.Error(err)
	}
}
