package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strings"
	"testing"
)

// runLikeSamples is the synthetic run spread over two languages and two sizes, with sequential and burst
// modes besides warm and cold: the shape of a real `make bench` run.
func runLikeSamples() []Sample {
	var out []Sample
	for i, s := range syntheticSamples() {
		if s.Failed() {
			out = append(out, s)
			continue
		}
		s.Language = []string{"go", "python"}[i%2]
		s.Size = []string{"test", "small"}[i/2%2]
		if s.Mode == "warm" && i%3 == 0 {
			s.Mode = "sequential"
		}
		if s.Mode == "cold" && i%3 == 0 {
			s.Mode = "burst"
		}
		out = append(out, s)
	}
	return out
}

func TestReportOneSectionPerBenchmark(t *testing.T) {
	var buf bytes.Buffer
	if err := Report(&buf, runLikeSamples()); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, buf.Bytes())
	for _, want := range []string{
		"dynamic-html: ", "graph-bfs: ", "sleep: ",
		"go test / warm (n=", "python small / burst (n=", "go small / sequential (n=", "python test / cold (n=",
		"Colour: hue = language (go, python); shade, dark to light = size (test, small).",
		"Line: mode (warm solid, sequential long dashes, cold dots, burst dash-dot).",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	if got := strings.Count(text, "Client time CDF per language, size and mode"); got != 3 {
		t.Errorf("%d CDF panels, want one per benchmark: 3", got)
	}
	// Each section's legend lists its series once: 3 sections × 16 series of language, size and mode.
	if got := strings.Count(text, " / "); got < 3*16 {
		t.Errorf("%d series labels, want at least %d", got, 3*16)
	}
}

func TestReportSectionAllFailed(t *testing.T) {
	samples := append(syntheticSamples(), Sample{Benchmark: "broken", Function: "broken", Error: "boom"})
	var buf bytes.Buffer
	if err := Report(&buf, samples); err != nil {
		t.Fatal(err)
	}
	if text := svgText(t, buf.Bytes()); !strings.Contains(text, "broken: all 1 invocations failed") {
		t.Errorf("report does not say that the broken benchmark failed")
	}
}

func TestFilter(t *testing.T) {
	samples := runLikeSamples()
	kept, err := Filter{Benchmarks: []string{"sleep"}, Languages: []string{"python"}, Modes: []string{"warm", "cold"}}.Apply(samples)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) == 0 {
		t.Fatal("filter kept nothing")
	}
	for _, s := range kept {
		if s.Function != "sleep" || s.Language != "python" || (s.Mode != "warm" && s.Mode != "cold") {
			t.Errorf("filter kept %+v", s)
		}
	}
	if err := Report(io.Discard, kept); err != nil {
		t.Errorf("report of the filtered samples: %v", err)
	}

	_, err = Filter{Benchmarks: []string{"nope"}}.Apply(samples)
	if !errors.Is(err, ErrNoSamples) || !strings.Contains(err.Error(), "benchmarks: dynamic-html, graph-bfs, sleep") {
		t.Errorf("filter keeping nothing: %v, want ErrNoSamples listing the benchmarks", err)
	}
	if all, err := (Filter{}).Apply(samples); err != nil || len(all) != len(samples) {
		t.Errorf("zero filter kept %d of %d samples, error %v", len(all), len(samples), err)
	}
}

func TestSteps(t *testing.T) {
	small := steps([]float64{1, 2, 3})
	if len(small) != 6 || small[0].Y != 0 || small[5].Y != 1 || small[5].X != 3 {
		t.Errorf("steps of 3 values = %v", small)
	}
	big := make([]float64, 10_001)
	for i := range big {
		big[i] = float64(i)
	}
	pts := steps(big)
	if len(pts) > 2*maxSteps+4 {
		t.Errorf("steps of %d values gave %d points, want at most %d", len(big), len(pts), 2*maxSteps+4)
	}
	if last := pts[len(pts)-1]; last.X != 10_000 || last.Y != 1 {
		t.Errorf("last step %v, want (10000, 1)", last)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X < pts[i-1].X || pts[i].Y < pts[i-1].Y {
			t.Fatalf("steps not monotone at %d: %v then %v", i, pts[i-1], pts[i])
		}
	}
}

func TestSeriesStyle(t *testing.T) {
	st := newSeriesStyle(runLikeSamples())
	if got := strings.Join(st.modes, ","); got != "warm,sequential,cold,burst" {
		t.Errorf("modes in order %s", got)
	}
	if got := strings.Join(st.sizes, ","); got != "test,small" {
		t.Errorf("sizes in order %s", got)
	}
	colors := map[color.Color]string{}
	for _, lang := range st.languages {
		for _, size := range st.sizes {
			c := st.color(Sample{Language: lang, Size: size})
			if other, dup := colors[c]; dup {
				t.Errorf("%s %s has the colour of %s", lang, size, other)
			}
			colors[c] = lang + " " + size
		}
	}
	dashes := map[string]string{}
	for _, m := range st.modes {
		d := st.dashes(Sample{Mode: m})
		if other, dup := dashes[fmt.Sprint(d)]; dup {
			t.Errorf("mode %s has the dashes of %s", m, other)
		}
		dashes[fmt.Sprint(d)] = m
	}
}
