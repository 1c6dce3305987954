package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReportWritesValidSVG(t *testing.T) {
	dir := writeSamples(t, syntheticSamples())
	path, err := WriteReport(dir, "", Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "report.svg"); path != want {
		t.Errorf("WriteReport wrote %s, want %s", path, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := svgText(t, data)
	for _, want := range []string{
		"Benchmark report: 3 benchmarks, 237 invocations (3 failed invocations left out)",
		"sleep: 79 invocations (1 failed invocations left out)", "dynamic-html: 79 invocations", "graph-bfs: 79",
		"warm (n=39)", "cold (n=40)", "Line: mode (warm solid, cold long dashes)",
		"client time (ms)", "fraction of invocations", "cold", "warm",
		"connect (http_startup)", "server (server_ns)", "read (client − first byte)",
		"mean time (ms), phases stacked",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	if os.Getenv("SEBS_PLOT_KEEP") != "" { // to look at it: SEBS_PLOT_KEEP=/tmp/report.svg go test ./plot
		if err := os.WriteFile(os.Getenv("SEBS_PLOT_KEEP"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// svgText checks that data is well-formed XML with an <svg> root and returns the text of its elements.
func svgText(t *testing.T, data []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("report is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			text.Write(tok)
			text.WriteByte('\n')
		}
	}
	if root != "svg" {
		t.Fatalf("report's root element is %q, want svg", root)
	}
	return text.String()
}

func TestWriteReportToChosenPath(t *testing.T) {
	dir := writeSamples(t, syntheticSamples()[:5])
	out := filepath.Join(t.TempDir(), "r.svg")
	if path, err := WriteReport(dir, out, Filter{}); err != nil || path != out {
		t.Fatalf("WriteReport(%s) = %s, %v", out, path, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.svg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("report.svg written although -o named another path (stat: %v)", err)
	}
}

func TestReportAllFailed(t *testing.T) {
	err := Report(io.Discard, []Sample{{Function: "f", Error: "boom"}})
	if !errors.Is(err, ErrNoSamples) || !strings.Contains(err.Error(), "all 1 invocations failed") {
		t.Errorf("Report of failures only: %v, want ErrNoSamples saying all failed", err)
	}
}

func TestWriteReportMissingSamples(t *testing.T) {
	_, err := WriteReport(t.TempDir(), "", Filter{})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "SEBS_RESULTS_DIR") {
		t.Errorf("missing samples.jsonl: %v, want a not-exist error saying how to make it", err)
	}
}

func TestReportLogScaleForWideSpread(t *testing.T) {
	samples := syntheticSamples()
	for i := range samples {
		if samples[i].Mode == "cold" && !samples[i].Failed() {
			samples[i].ClientNS += 300e6 // a first call 300 ms slower: a log scale shows both
			samples[i].FirstByteNS += 300e6
			samples[i].Language = "python"
		}
	}
	var buf bytes.Buffer
	if err := Report(&buf, samples); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, buf.Bytes())
	for _, want := range []string{
		"client time (ms), log scale", "python / cold (n=40)", "go / warm (n=39)", "Colour: hue = language (go, python).",
		"share of the mean client time (%), phases stacked",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	if os.Getenv("SEBS_PLOT_KEEP") != "" {
		if err := os.WriteFile(os.Getenv("SEBS_PLOT_KEEP")+".wide.svg", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReportRejectsNonPositiveClientTime(t *testing.T) {
	err := Report(io.Discard, []Sample{{Function: "f", ClientNS: 0}})
	if err == nil || !strings.Contains(err.Error(), "client_ns 0") {
		t.Errorf("Report with client_ns 0: %v, want an error naming it", err)
	}
}
