package regression

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/golden"
)

// TestStorageFixtures runs the storage benchmarks (thumbnailer, compression), in each of their languages,
// beside one storage server holding their test inputs: each output passes the catalogue's validator, the
// object it wrote passes the catalogue's check (read back from storage), and the handler output matches
// its golden file, with the unique part of the output key and the measured times masked.
func TestStorageFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("storage fixtures need the MinIO image (built from source on first use, minutes): not in -short")
	}
	st := sebstest.NewStorage(t)
	ctx := t.Context()
	slots := make(chan struct{}, maxContainers)
	for _, name := range fixtures.Names() {
		b, err := fixtures.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if b.Storage == nil {
			continue
		}
		if _, err := st.Prepare(ctx, b, fixtures.SizeTest); err != nil {
			t.Fatal(err)
		}
		for _, lang := range b.Languages {
			t.Run(name+"-"+lang, func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				t.Cleanup(func() { <-slots }) // registered first, so it runs after the container is stopped
				checkStorageFixture(t, st, b, sebs.Language(lang))
			})
		}
	}
}

// checkStorageFixture runs one storage benchmark in one language and checks its answer and its object.
func checkStorageFixture(t *testing.T, st *sebstest.Storage, b fixtures.Benchmark, lang sebs.Language) {
	fn := sebstest.New(t, sebstest.Fixture(b.Name, lang), sebstest.WithStorage(st))
	input := b.Input(fixtures.SizeTest)
	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(b.Timeout)*time.Second+10*time.Second)
	defer cancel()
	res, err := fn.Invoke(ctx, input)
	if err != nil {
		t.Fatalf("invoke %s (%s) with %v: %v", b.Name, lang, input, err)
	}
	output, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(input, output); err != nil {
		t.Errorf("%s (%s) output is wrong: %v", b.Name, lang, err)
	}
	get := func(bucket, key string) ([]byte, error) { return st.Get(ctx, bucket, key) }
	if err := b.Storage.Check(fixtures.SizeTest, input, output, get); err != nil {
		t.Errorf("%s (%s) wrote a wrong object: %v", b.Name, lang, err)
	}
	golden.Output(t, b.Name+"-"+string(lang), res, storageGoldenOptions()...)
}

// uniqueSuffix is the random part upstream's wrappers put in an uploaded object's name.
var uniqueSuffix = regexp.MustCompile(`\.[0-9a-f]{8}(\.[^./]*)?$`)

// storageGoldenOptions mask what changes from call to call in a storage benchmark's output: the measured
// times, and the unique suffix of the output key. The sizes stay: they change only with the code or its
// libraries.
func storageGoldenOptions() []golden.Option {
	return []golden.Option{
		golden.Mask("download_time", "upload_time", "compute_time"),
		golden.At("result.key", func(v any) any {
			if s, ok := v.(string); ok {
				return uniqueSuffix.ReplaceAllString(s, ".<unique>$1")
			}
			return v
		}),
	}
}
