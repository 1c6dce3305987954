package bench

import (
	"io"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// lambdaFunctions starts n Lambda sleep functions (fixtures/lambda/go/sleep under the emulator), stopped
// when the test ends.
func lambdaFunctions(t *testing.T, n int) []*sebstest.Function {
	t.Helper()
	fns := make([]*sebstest.Function, n)
	for i := range fns {
		fns[i] = sebstest.New(t, sebstest.LambdaFunction("../../fixtures/lambda/go/sleep"), sebstest.WithProgress(io.Discard),
			sebstest.WithConfig(sebs.FunctionConfig{Memory: 256, Timeout: 5}))
	}
	return fns
}

// TestBenchLambdaModes runs every mode on Lambda functions: each reports the provider metrics from the
// REPORT lines, with init-ns/start exactly in the modes whose calls are cold, and each recorded call has
// the cold flag the mode implies.
func TestBenchLambdaModes(t *testing.T) {
	fns := lambdaFunctions(t, 2)
	for _, c := range []struct {
		mode Mode
		fns  []*sebstest.Function
		cold bool
	}{
		{ModeWarm, fns[:1], false},
		{ModeSequential, fns[:1], false},
		{ModeCold, fns[:1], true},
		{ModeBurst, fns, true},
	} {
		t.Run(string(c.mode), func(t *testing.T) {
			r, samples := benchRecorded(t, c.fns, Spec{Mode: c.mode})
			t.Logf("%s: %d iterations, %v", c.mode, r.N, r.Extra)
			for _, unit := range []string{"provider-exec-ns/call", "billed-gb-s/call", "client-ns/call"} {
				if r.Extra[unit] <= 0 {
					t.Errorf("%s = %v, want > 0", unit, r.Extra[unit])
				}
			}
			if r.Extra["provider-exec-ns/call"] > r.Extra["client-ns/call"] {
				t.Errorf("provider execution %v ns above the client time %v ns", r.Extra["provider-exec-ns/call"], r.Extra["client-ns/call"])
			}
			if got, want := r.Extra["billed-gb-s/call"], 0.25*0.001; got < want {
				t.Errorf("billed-gb-s/call = %v, want at least %v (1 ms at 256 MB)", got, want)
			}
			if init, ok := r.Extra["init-ns/start"]; ok != c.cold || (c.cold && init <= 0) {
				t.Errorf("init-ns/start = %v (reported %v); want a positive figure only in modes with cold calls", init, ok)
			}
			for _, s := range samples {
				if c.mode != ModeWarm && s.IsCold != c.cold {
					t.Errorf("call %s: is_cold %v in %s mode", s.RequestID, s.IsCold, c.mode)
				}
			}
		})
	}
}
