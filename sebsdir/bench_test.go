package sebsdir_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
)

// BenchmarkOneShot is the cost of one container per request: open a session, generate an input, close.
func BenchmarkOneShot(b *testing.B) {
	img := pythonImage(b)
	bench := parse(b, filepath.Join(ours, "902.echo"))
	for b.Loop() {
		s, err := sebsdir.Open(b.Context(), bench, sebsdir.Options{Image: img})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.GenerateInput(b.Context(), fixtures.SizeTest); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate is the cost of one validate_output call in a running session, for outputs of 902's
// sizes (the large output is 40 kB of text).
func BenchmarkValidate(b *testing.B) {
	s := open(b, filepath.Join(ours, "902.echo"))
	for _, tc := range []struct {
		size   fixtures.Size
		repeat int
	}{{fixtures.SizeTest, 1}, {fixtures.SizeLarge, 10000}} {
		b.Run(string(tc.size), func(b *testing.B) {
			in := generate(b, s, tc.size)
			out := json.RawMessage(`{"result": {"text": "` + strings.Repeat("echo", tc.repeat) + `!", "id": 9007199254740993}}`)
			b.SetBytes(int64(len(out)))
			for b.Loop() {
				if err := s.Validate(b.Context(), sebs.LanguagePython, in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
