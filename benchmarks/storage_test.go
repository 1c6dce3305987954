package benchmarks

import (
	"testing"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// BenchmarkThumbnailer: upstream's 210.thumbnailer, a 640x480, 1600x1200 or 3200x2400 JPEG shrunk to fit
// 200x200, read from and written to a MinIO server beside the function. Each call's own storage figures
// (download and upload time and size) go to samples.jsonl and experiments.json.
func BenchmarkThumbnailer(b *testing.B) { runStorageSuite(b, "thumbnailer") }

// BenchmarkCompression: upstream's 311.compression, a zip of 4 files of 4 KiB, 16 of 64 KiB or 16 of
// 512 KiB, read from and written to a MinIO server beside the function.
func BenchmarkCompression(b *testing.B) { runStorageSuite(b, "compression") }

// BenchmarkUploader: upstream's 120.uploader, a file of 256 KiB, 4 MiB or 32 MiB fetched from a file
// server on the storage network (by its container name) and uploaded to a MinIO server beside the function.
func BenchmarkUploader(b *testing.B) { runStorageSuite(b, "uploader") }

// runStorageSuite starts a storage server for the benchmark, stores the inputs of the sizes the flags
// select (upstream's generate_input; the file server too, for a benchmark that fetches files), and runs
// the suite with every function on that server.
func runStorageSuite(b *testing.B, name string) {
	cfg, err := parseConfig()
	if err != nil {
		b.Fatal(err)
	}
	bm, err := fixtures.Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	st := sebstest.NewStorage(b)
	for _, size := range cfg.sizes {
		if _, err := st.Prepare(b.Context(), bm, size); err != nil {
			b.Fatal(err)
		}
	}
	runSuite(b, name, sebstest.WithStorage(st))
}
