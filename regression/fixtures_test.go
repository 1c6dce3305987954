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

// maxContainers bounds the fixture containers running at once: the CI machines have 2 cores.
const maxContainers = 3

// TestFixtures invokes every fixture function, in each of its languages, with its test input; validates the
// output with the catalogue's validator; and compares the normalised result with its golden file.
func TestFixtures(t *testing.T) {
	slots := make(chan struct{}, maxContainers)
	for _, name := range fixtures.Names() {
		b, err := fixtures.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if b.Storage != nil {
			continue // issue 14: needs a storage server; TestStorageFixtures (storage_test.go) runs it
		}
		for _, lang := range b.Languages {
			t.Run(name+"-"+lang, func(t *testing.T) {
				if lang != string(sebs.LanguageGo) && testing.Short() {
					t.Skipf("%s fixtures need the %s base image (built on first use, minutes): not in -short", lang, lang)
				}
				t.Parallel()
				slots <- struct{}{}
				t.Cleanup(func() { <-slots }) // registered first, so it runs after the container is stopped
				checkFixture(t, b, sebs.Language(lang))
			})
		}
	}
}

// checkFixture runs one fixture function in one language and checks its answer.
func checkFixture(t *testing.T, b fixtures.Benchmark, lang sebs.Language) {
	fn := sebstest.New(t, sebstest.Fixture(b.Name, lang))
	input := b.Input(fixtures.SizeTest)
	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(b.Timeout)*time.Second+10*time.Second)
	defer cancel()
	res, err := fn.Invoke(ctx, input)
	if err != nil {
		t.Fatalf("invoke %s (%s) with %v: %v", b.Name, lang, input, err)
	}
	if res.Stats.Failure {
		t.Fatalf("invoke %s (%s): the invocation reports a failure; output %v", b.Name, lang, res.Output)
	}
	output, err := res.HandlerOutput()
	if err != nil {
		t.Fatalf("%s (%s): %v", b.Name, lang, err)
	}
	if err := b.Validate(input, output); err != nil {
		t.Errorf("%s (%s) output is wrong: %v", b.Name, lang, err)
	}
	kept := map[string]any{"input": input, "result": res}
	golden.Result(t, b.Name+"-"+string(lang), kept, goldenOptions(b.Name)...)
}

// digits matches a run of decimal digits.
var digits = regexp.MustCompile(`[0-9]+`)

// goldenOptions are the per-fixture normalisations on top of package golden's defaults.
func goldenOptions(name string) []golden.Option {
	switch name {
	case "dynamic-html":
		// The page holds random numbers and the time it was made: keep its shape, not its digits.
		return []golden.Option{golden.At("result.output.result.output.result", func(v any) any {
			if s, ok := v.(string); ok {
				return digits.ReplaceAllString(s, "#")
			}
			return v
		})}
	case "graph-pagerank", "graph-mst", "graph-bfs":
		return []golden.Option{golden.Tolerance(1e-9)}
	}
	return nil
}
