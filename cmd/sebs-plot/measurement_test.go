package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with the file testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s\nrun go test -run %s -update if the change is intended", path, want, got, t.Name())
	}
}

// plotTo runs sebs-plot on the run in testdata/dir with -o out in a new directory, and returns what it wrote
// to stdout, with the report's path as OUT, and the report.
func plotTo(t *testing.T, dir, out string) (stdout string, report []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), out)
	var o, e bytes.Buffer
	if code := run([]string{"-o", path, filepath.Join("testdata", dir)}, &o, &e); code != 0 {
		t.Fatalf("sebs-plot on testdata/%s: exit %d, stderr %s", dir, code, e.String())
	}
	report, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(o.String(), path, "OUT"), report
}

// TestRunStorage: a run of upstream's storage benchmarks (testdata/storage, written by us in the shape of
// upstream's 210.thumbnailer and 311.compression output) gets the measurement row in the report, and its
// figures as a table on stdout. Its sleep section, without a measurement, does not.
func TestRunStorage(t *testing.T) {
	stdout, report := plotTo(t, "storage", "report.svg")
	golden(t, "storage.stdout.golden", stdout)
	svg := string(report)
	for _, title := range []string{"own times per call (its measurement): median, whisker to p95", "Throughput per call (size / time): median, whisker p5 to p95"} {
		if got := strings.Count(svg, title); got != 2 {
			t.Errorf("%d panels %q, want one for each of thumbnailer and compression", got, title)
		}
	}
	for _, want := range []string{"download (download_size / download_time)", "compute (compute_time)", "python / warm (n=8)",
		"thumbnailer: 16 invocations (1 failed invocations left out)", "sleep: 5 invocations"} {
		if !strings.Contains(svg, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestRunWithoutMeasurementUnchanged: a run without a measurement (testdata/plain) gives the report it gave
// before the measurement row was added, byte for byte (the golden hash is of the report sebs-plot wrote
// then), and stdout names the file alone.
func TestRunWithoutMeasurementUnchanged(t *testing.T) {
	stdout, report := plotTo(t, "plain", "report.svg")
	if stdout != "wrote OUT\n" {
		t.Errorf("stdout %q, want only the path written", stdout)
	}
	sum := sha256.Sum256(report)
	golden(t, "plain.report.sha256", hex.EncodeToString(sum[:])+"\n")
}

// TestRunPNG: -o with a .png name writes a PNG image 1100 pixels wide; the storage run's is taller than the
// plain run's by its measurement rows.
func TestRunPNG(t *testing.T) {
	heights := map[string]int{}
	for _, dir := range []string{"plain", "storage"} {
		_, data := plotTo(t, dir, "report.png")
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("report of %s is not a PNG: %v", dir, err)
		}
		if cfg.Width != 1100 {
			t.Errorf("PNG of %s is %d pixels wide, want 1100", dir, cfg.Width)
		}
		heights[dir] = cfg.Height
	}
	if heights["storage"] <= heights["plain"] {
		t.Errorf("PNG heights %v: want the storage run's taller", heights)
	}
}
