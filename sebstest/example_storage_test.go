package sebstest_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// testThumbnailer is a storage test as it would sit in a _test.go file: a MinIO server for the test, the
// benchmark's input stored in it (upstream's generate_input), the Python thumbnailer started beside it,
// and the thumbnail read back and checked.
func testThumbnailer(t testing.TB) {
	st := sebstest.NewStorage(t) // stopped after the function, whose cleanup is registered later
	b, err := fixtures.Lookup("thumbnailer")
	if err != nil {
		t.Fatal(err)
	}
	input, err := st.Prepare(t.Context(), b, fixtures.SizeTest)
	if err != nil {
		t.Fatal(err)
	}
	fn := sebstest.New(t, sebstest.Fixture("thumbnailer", sebs.LanguagePython), sebstest.WithStorage(st))
	res, err := fn.Invoke(t.Context(), input)
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	var o fixtures.StorageOutput
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatal(err)
	}
	thumb, err := st.Get(t.Context(), o.Result.Bucket, o.Result.Key)
	if err != nil {
		t.Fatal(err)
	}
	size, err := fixtures.ValidateThumbnail(thumb, 200, 200)
	fmt.Println("thumbnail:", size, err)
}

// ExampleWithStorage runs testThumbnailer once, for real (see ExampleNew for how an example borrows a
// testing.TB).
func ExampleWithStorage() {
	testing.Benchmark(func(b *testing.B) {
		testThumbnailer(b)
		b.SkipNow()
	})
	// Output:
	// thumbnail: (200,150) <nil>
}
