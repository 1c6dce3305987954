package plot

import (
	"bytes"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// storageSamples is a run of two storage benchmarks and one without a measurement: upstream-shaped
// measurements (times in µs, sizes in bytes) on every successful call of thumbnailer and compression, in Go
// and Python, warm and cold, and one failed call each.
func storageSamples() []Sample {
	var out []Sample
	for _, bm := range []string{"thumbnailer", "compression"} {
		for _, lang := range []string{"go", "python"} {
			for _, mode := range []string{"warm", "cold"} {
				for i := range 10 {
					f := float64(i + 1)
					out = append(out, Sample{
						Benchmark: bm, Function: bm, Language: lang, Mode: mode, Size: "test", IsCold: mode == "cold",
						ClientNS: int64(20e6 + f*1e5), HTTPStartupNS: 1e5, FirstByteNS: int64(19e6 + f*1e5), ServerNS: 18e6,
						Measurement: map[string]float64{
							"download_time": 1000 * f, "download_size": 30000,
							"compute_time": 500 * f,
							"upload_time":  2000 * f, "upload_size": 4000,
						},
					})
				}
			}
			out = append(out, Sample{Benchmark: bm, Function: bm, Language: lang, Mode: "warm", Error: "NoSuchKey"})
		}
	}
	for i := range 5 {
		out = append(out, Sample{Benchmark: "sleep", Function: "sleep", Language: "go", Mode: "warm", Size: "test",
			ClientNS: int64(1e6 + i*1e4), FirstByteNS: 9e5, ServerNS: 5e5})
	}
	return out
}

func TestNearestRank(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tt := range []struct{ p, want float64 }{{50, 5}, {95, 10}, {5, 1}, {0, 1}, {100, 10}} {
		if got := nearestRank(v, tt.p); got != tt.want {
			t.Errorf("nearestRank(1..10, %g) = %g, want %g", tt.p, got, tt.want)
		}
	}
	if got := nearestRank(nil, 50); !math.IsNaN(got) {
		t.Errorf("nearestRank(nil) = %g, want NaN", got)
	}
	if sp := spreadOf([]float64{3}); sp.n != 1 || sp.median != 3 || sp.p95 != 3 {
		t.Errorf("spreadOf([3]) = %+v", sp)
	}
}

func TestMeasurementFigures(t *testing.T) {
	samples := []Sample{
		{Measurement: map[string]float64{"download_time": 2000, "download_size": 1e6, "upload_time": 0, "upload_size": 10}},
		{Measurement: map[string]float64{"download_time": 500, "download_size": 1e6, "graph_generating_time": 7}},
		{Measurement: map[string]float64{"download_size": 5}}, // no time: not measured
		{},
	}
	if got := len(measured(samples)); got != 2 {
		t.Errorf("measured: %d samples, want the 2 with a time", got)
	}
	if got := timedSteps(samples); !slices.Equal(got, []string{"download", "upload", "graph_generating"}) {
		t.Errorf("timedSteps = %v, want download, upload, then the others", got)
	}
	if got := transfers(samples); !slices.Equal(got, []string{"download", "upload"}) {
		t.Errorf("transfers = %v, want the steps with a size", got)
	}
	if got := stepMS(samples, "download"); !slices.Equal(got, []float64{0.5, 2}) {
		t.Errorf("stepMS(download) = %v, want [0.5 2] (µs to ms, sorted)", got)
	}
	// 1e6 bytes in 2000 µs is 500 MB/s, in 500 µs 2000 MB/s; an upload of 0 µs has no throughput.
	if got := throughputMBps(samples, "download"); !slices.Equal(got, []float64{500, 2000}) {
		t.Errorf("throughputMBps(download) = %v, want [500 2000]", got)
	}
	if got := throughputMBps(samples, "upload"); len(got) != 0 {
		t.Errorf("throughputMBps(upload) = %v, want none (time 0)", got)
	}
	if got := stepBytes(samples, "download"); !slices.Equal(got, []float64{5, 1e6, 1e6}) {
		t.Errorf("stepBytes(download) = %v", got)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tt := range []struct {
		b    float64
		want string
	}{{999, "999 B"}, {16384, "16.4 kB"}, {2.5e6, "2.5 MB"}, {3e9, "3.0 GB"}} {
		if got := formatBytes(tt.b); got != tt.want {
			t.Errorf("formatBytes(%g) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestReportMeasurementRow(t *testing.T) {
	var buf bytes.Buffer
	if err := Report(&buf, storageSamples()); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, buf.Bytes())
	for _, want := range []string{
		"Benchmarks whose calls return a measurement (storage: download, compute, upload) add its times and throughput.",
		"time per call (ms)", "throughput per call (MB/s)",
		"download (download_time)", "compute (compute_time)", "upload (upload_time)",
		"download (download_size / download_time)", "upload (upload_size / upload_time)",
		"go / warm (n=10)", "python / cold (n=10)",
		// medians of 1..10 ms download, 0.5..5 ms compute, 2..20 ms upload; of 30000 B in 1..10 ms (30/f MB/s)
		// and of 4000 B in 2..20 ms (2/f MB/s): 5 MB/s and 0.33 MB/s, the 5th of 10 by nearest rank
		"5.00 ms", "2.50 ms", "10.0 ms", "5.00 MB/s", "0.33 MB/s",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	// two storage sections have the row; sleep, without a measurement, has not
	for _, title := range []string{"Handler's own times per call", "Throughput per call (size / time)"} {
		if got := strings.Count(text, title); got != 2 {
			t.Errorf("%d panels %q, want 2 (thumbnailer, compression; not sleep)", got, title)
		}
	}
}

func TestReportMeasurementWithoutSizes(t *testing.T) {
	var samples []Sample
	for i := range 4 {
		samples = append(samples, Sample{Function: "graph-bfs", Language: "go", Mode: "warm", ClientNS: 3e6,
			Measurement: map[string]float64{"graph_generating_time": 900 + float64(i), "compute_time": 120}})
	}
	var buf bytes.Buffer
	if err := Report(&buf, samples); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, buf.Bytes())
	for _, want := range []string{"Handler's own times per call", "compute (compute_time)", "graph_generating (graph_generating_time)"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	if strings.Contains(text, "Throughput per call") {
		t.Error("a measurement without sizes got a throughput panel")
	}
}

func TestReportWithoutMeasurementHasNoRow(t *testing.T) {
	var buf bytes.Buffer
	if err := Report(&buf, runLikeSamples()); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, buf.Bytes())
	for _, unwanted := range []string{"Handler's own times", "Throughput per call", "measurement"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("report of a run without measurements shows %q", unwanted)
		}
	}
}

func TestMeasurementTable(t *testing.T) {
	var buf bytes.Buffer
	if err := MeasurementTable(&buf, storageSamples()); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"compression: 40 calls with a measurement\n", "thumbnailer: 40 calls with a measurement\n",
		"series         calls  download ms  compute ms   upload ms    download size  download MB/s  upload size  upload MB/s\n",
		"go / warm      10     5.00 / 10.0  2.50 / 5.00  10.0 / 20.0  30.0 kB        5.00           4.0 kB       0.33\n",
		"python / cold  10     5.00 / 10.0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q; got\n%s", want, got)
		}
	}
	if strings.Contains(got, "sleep") {
		t.Errorf("table lists sleep, which has no measurement:\n%s", got)
	}
	if strings.Index(got, "go / warm") > strings.Index(got, "python / cold") {
		t.Errorf("series out of order (want go first, warm before cold):\n%s", got)
	}

	buf.Reset()
	if err := MeasurementTable(&buf, runLikeSamples()); err != nil || buf.Len() != 0 {
		t.Errorf("table of a run without measurements: %q, %v; want nothing", buf.String(), err)
	}
	if err := MeasurementTable(failingWriter{}, storageSamples()); err == nil {
		t.Error("a failing writer: no error")
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
