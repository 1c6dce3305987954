package minioimage_test

import (
	"context"
	"testing"
	"time"

	"github.com/gosebs/sebs/fixtures"
)

// BenchmarkStorageFunctions calls the Python thumbnailer and compression warm, beside MinIO: one
// iteration is one call (the cold one is left out). Beyond ns/op it reports, per call, the function's own
// storage figures as upstream's benchmarks measure them: download, compute and upload time, and the bytes
// moved.
func BenchmarkStorageFunctions(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	w := newWorld(b, ctx)
	thumbIn, _ := putThumbnailerInput(b, ctx, w)
	compIn, _ := putCompressionInput(b, ctx, w)
	for _, c := range []struct {
		fixture string
		input   map[string]any
	}{{"thumbnailer", thumbIn}, {"compression", compIn}} {
		b.Run(c.fixture, func(b *testing.B) {
			trig := w.function(b, ctx, c.fixture, nil)
			call(b, ctx, trig, c.input) // the cold call
			var sum fixtures.StorageMeasurement
			n := 0
			for b.Loop() {
				out, _ := call(b, ctx, trig, c.input)
				m := out.Measurement
				sum.DownloadTime += m.DownloadTime
				sum.ComputeTime += m.ComputeTime
				sum.UploadTime += m.UploadTime
				sum.DownloadSize += m.DownloadSize
				sum.UploadSize += m.UploadSize
				n++
			}
			per := func(v float64) float64 { return v / float64(n) }
			b.ReportMetric(per(sum.DownloadTime)*1e3, "download-ns/call")
			b.ReportMetric(per(sum.ComputeTime)*1e3, "compute-ns/call")
			b.ReportMetric(per(sum.UploadTime)*1e3, "upload-ns/call")
			b.ReportMetric(per(sum.DownloadSize), "download-B/call")
			b.ReportMetric(per(sum.UploadSize), "upload-B/call")
		})
	}
}
