package regression

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/golden"
)

// lambdaFixtures are the fixtures written as AWS Lambda functions in Go (fixtures/lambda/go).
var lambdaFixtures = []string{"sleep", "dynamic-html", "graph-pagerank", "graph-mst", "graph-bfs", "fault"}

// TestLambdaFixtures runs every Go Lambda fixture under AWS's emulator with its test input, with the
// catalogue's memory and timeout: the catalogue's validator accepts the output, the REPORT line filled
// provider times and billing, the output matches its golden file (lambda-<name>-go.golden, the handler's
// output only), and, but for dynamic-html, it is the output the same fixture gives on our own runtime
// (its <name>-go.golden).
func TestLambdaFixtures(t *testing.T) {
	root, err := fixtures.Root()
	if err != nil {
		t.Fatal(err)
	}
	slots := make(chan struct{}, maxContainers)
	for _, name := range lambdaFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			t.Cleanup(func() { <-slots }) // registered first, so it runs after the container is stopped
			b, err := fixtures.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			fn := sebstest.New(t, sebstest.LambdaFunction(filepath.Join(root, "lambda", "go", name)),
				sebstest.WithConfig(sebs.FunctionConfig{Memory: b.Memory, Timeout: b.Timeout}))
			input := b.Input(fixtures.SizeTest)
			ctx, cancel := context.WithTimeout(t.Context(), time.Duration(b.Timeout)*time.Second+10*time.Second)
			defer cancel()
			res, err := fn.Invoke(ctx, input)
			if err != nil {
				t.Fatalf("invoke the Lambda %s with %v: %v", name, input, err)
			}
			if res.Billing.BilledTime == nil || res.ProviderTimes.Execution <= 0 || !res.Stats.ColdStart || res.ProviderTimes.Initialization <= 0 {
				t.Errorf("Lambda %s: billed %v, execution %d µs, cold %v, initialization %d µs; want the first call's REPORT applied",
					name, res.Billing.BilledTime, res.ProviderTimes.Execution, res.Stats.ColdStart, res.ProviderTimes.Initialization)
			}
			output, err := res.HandlerOutput()
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Validate(input, output); err != nil {
				t.Errorf("Lambda %s output is wrong: %v", name, err)
			}
			opts := outputOptions(name)
			golden.Output(t, "lambda-"+name+"-go", res, opts...)
			if name != "dynamic-html" { // its Lambda version renders upstream's template, ours another page
				sameAsOurRuntime(t, name, output, opts)
			}
		})
	}
}

// outputOptions are the normalisations of a fixture's handler output: goldenOptions, at the output's
// level rather than the whole result's.
func outputOptions(name string) []golden.Option {
	if name == "dynamic-html" {
		return []golden.Option{golden.At("result", func(v any) any {
			if s, ok := v.(string); ok {
				return digits.ReplaceAllString(s, "#")
			}
			return v
		})}
	}
	return goldenOptions(name)
}

// sameAsOurRuntime compares a Lambda fixture's output with the handler output kept in the golden file of
// the same fixture on our Go runtime (testdata/<name>-go.golden, under result.output.result.output), both
// normalised alike.
func sameAsOurRuntime(t *testing.T, name string, output json.RawMessage, opts []golden.Option) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+"-go.golden"))
	if err != nil {
		t.Fatalf("read our runtime's golden file of %s: %v", name, err)
	}
	var kept struct {
		Result struct {
			Output struct {
				Result struct {
					Output json.RawMessage `json:"output"`
				} `json:"result"`
			} `json:"output"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &kept); err != nil || kept.Result.Output.Result.Output == nil {
		t.Fatalf("our runtime's golden file of %s has no result.output.result.output (%v)", name, err)
	}
	want, err := golden.JSON(kept.Result.Output.Result.Output, opts...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := golden.JSON(output, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s answers differently as a Lambda function and on our runtime (-runtime +lambda):\n%s", name, cmp.Diff(string(want), string(got)))
	}
}
