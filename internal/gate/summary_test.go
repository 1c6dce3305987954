package gate

import (
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	var out strings.Builder
	if err := Summarize(&out, strings.NewReader(run(10, 1, 50)), strings.NewReader(run(10, 2, 50))); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"client-sec/call", "allocs/op", "sec/op",
		"Invoke/mode=warm", "+100.00% (p=0.000 n=10)", // client time doubled
		"~ (p=1.000 n=10)", // allocations and the other benchmark unchanged
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
