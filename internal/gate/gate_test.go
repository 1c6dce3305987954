package gate

import (
	"fmt"
	"strings"
	"testing"
)

// run renders a benchmark run with n results per benchmark, each metric scaled by the given factor.
func run(n int, client, alloc float64) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: example\n")
	for i := range n {
		jitter := 1 + 0.01*float64(i%3)
		fmt.Fprintf(&b, "BenchmarkInvoke/mode=warm-2 \t 100\t %.0f ns/op\t %.0f client-ns/call\t %.0f allocs/op\n",
			1000*client*jitter, 900*client*jitter, alloc)
		fmt.Fprintf(&b, "BenchmarkOther-2 \t 100\t %.0f ns/op\n", 500*jitter)
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	cfg := Config{Units: DefaultUnits, Threshold: 0.10, Alpha: 0.05}
	cases := []struct {
		name          string
		head          string
		wantRegressed []string // "benchmark unit", in the verdicts' order (by benchmark, then unit)
	}{
		{"same", run(10, 1, 50), nil},
		{"5% slower is within the threshold", run(10, 1.05, 50), nil},
		{"30% slower regresses", run(10, 1.3, 50), []string{"Invoke/mode=warm client-sec/call", "Invoke/mode=warm sec/op"}},
		{"faster is fine", run(10, 0.5, 50), nil},
		{"more allocations regress", run(10, 1, 80), []string{"Invoke/mode=warm allocs/op"}},
		{"too few samples are never significant", run(2, 2, 50), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := run(10, 1, 50)
			if strings.HasPrefix(c.name, "too few") {
				base = run(2, 1, 50)
			}
			vs, err := Compare(strings.NewReader(base), strings.NewReader(c.head), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 4 {
				t.Fatalf("got %d verdicts, want 4 (3 metrics of Invoke, sec/op of Other): %v", len(vs), vs)
			}
			var got []string
			for _, v := range vs {
				if v.Regressed {
					got = append(got, v.Benchmark+" "+v.Unit)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.wantRegressed, ",") {
				t.Errorf("regressed = %v, want %v", got, c.wantRegressed)
			}
		})
	}
}

func TestCompareRejectsBadConfig(t *testing.T) {
	_, err := Compare(strings.NewReader(""), strings.NewReader(""), Config{Threshold: 0.1, Alpha: 0})
	if err == nil {
		t.Fatal("alpha 0 was accepted")
	}
}

// TestUnitsMatchInBothForms checks that a gated unit matches whether the benchmark printed it with "ns"
// (as the helpers do) or benchstat's tidied "sec", and whichever form the configuration names.
func TestUnitsMatchInBothForms(t *testing.T) {
	wantTidy := map[string]string{
		"sec/op": "sec/op", "client-ns/call": "client-sec/call", "http-startup-ns/call": "http-startup-sec/call",
		"first-byte-ns/call": "first-byte-sec/call", "server-ns/call": "server-sec/call",
		"p95-client-ns": "p95-client-sec", "coldstart-ns/start": "coldstart-sec/start", "allocs/op": "allocs/op",
	}
	if len(DefaultUnits) != len(wantTidy) {
		t.Fatalf("DefaultUnits = %v, want the %d metrics of DESIGN.md's table", DefaultUnits, len(wantTidy))
	}
	for _, u := range DefaultUnits {
		want, ok := wantTidy[u]
		if !ok {
			t.Errorf("DefaultUnits has %q, which DESIGN.md's table does not gate", u)
		}
		if got := TidyUnit(u); got != want {
			t.Errorf("TidyUnit(%q) = %q, want %q", u, got, want)
		}
		if got := TidyUnit(want); got != want {
			t.Errorf("TidyUnit(%q) = %q, want it unchanged", want, got)
		}
	}
	line := func(scale float64) string {
		var b strings.Builder
		for i := range 8 {
			j := 1 + 0.01*float64(i%3)
			fmt.Fprintf(&b, "BenchmarkF-2 10 %.0f ns/op %.0f client-ns/call %.0f p95-client-ns %.0f coldstart-ns/start %.0f server-ns/call 3 cold-excluded\n",
				1e6*scale*j, 9e5*scale*j, 1.2e6*scale*j, 2e8*scale*j, 5e5*scale*j)
		}
		return b.String()
	}
	for _, units := range [][]string{DefaultUnits, {"sec/op", "client-sec/call", "p95-client-sec", "coldstart-sec/start", "server-sec/call"}} {
		cfg := Config{Units: units, Threshold: 0.1, Alpha: 0.05}
		vs, err := Compare(strings.NewReader(line(1)), strings.NewReader(line(2)), cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			if v.Regressed {
				got = append(got, v.Unit)
			}
		}
		want := "client-sec/call,coldstart-sec/start,p95-client-sec,sec/op,server-sec/call"
		if strings.Join(got, ",") != want {
			t.Errorf("units %v: regressed %v, want %s (cold-excluded is not gated)", units, got, want)
		}
	}
}

func TestVerdictSaysWhatChanged(t *testing.T) {
	for _, c := range []struct {
		v    Verdict
		want string
	}{
		{Verdict{Unit: "sec/op", Base: 1e-3, Head: 2e-3, Delta: 1, P: 0.002, Significant: true, Regressed: true}, "REGRESSED"},
		{Verdict{Unit: "sec/op", Base: 1e-3, Head: 1.05e-3, Delta: 0.05, P: 0.002, Significant: true}, "slower, within threshold"},
		{Verdict{Unit: "sec/op", Base: 1e-3, Head: 0.5e-3, Delta: -0.5, P: 0.002, Significant: true}, "faster"},
		{Verdict{Unit: "sec/op", Base: 1e-3, Head: 1.5e-3, Delta: 0.5, P: 0.3}, "+50.00%  p=0.300 n=0+0  ~"},
	} {
		got := c.v.String()
		if !strings.HasSuffix(got, c.want) || !strings.Contains(got, "base 1.000m") {
			t.Errorf("%+v renders as %q, want it to end in %q and show base 1.000m", c.v, got, c.want)
		}
	}
}
