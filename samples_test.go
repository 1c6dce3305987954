package sebs_test

import (
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

func TestDecodeSamples(t *testing.T) {
	in := `{"function":"sleep","client_ns":1000}

{"function":"sleep","error":"connection refused"}
{"function":"sleep","client_ns":0}
`
	got, err := sebs.DecodeSamples(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 4: sample of sleep has client_ns 0") {
		t.Fatalf("error = %v, want one naming line 4 (blank lines count)", err)
	}
	if len(got) != 2 || got[0].ClientNS != 1000 || !got[1].Failed() {
		t.Errorf("samples read before the bad line: %+v, want the first two", got)
	}
	empty, err := sebs.DecodeSamples(strings.NewReader("\n\n"))
	if err != nil || len(empty) != 0 {
		t.Errorf("blank input: %v, %v; want no samples and no error", empty, err)
	}
}
