package main

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// output is three processes' worth of benchmark output, shaped as make bench-fidelity writes it.
const output = `goos: linux
goarch: amd64
pkg: github.com/gosebs/sebs/benchmarks
BenchmarkLoadOverhead/conc=64/impl=sebstest/round=1-2         	      100	    1000 ns/op	  64000 calls/s
BenchmarkLoadOverhead/conc=64/impl=net-http/round=1-2         	      100	    1000 ns/op	  64000 calls/s
BenchmarkLoadOverhead/conc=64/impl=wrk/round=1-2              	        1	     500 ns/op	 128000 calls/s
BenchmarkLoadOverhead/conc=64/impl=net-http/round=2-2         	      100	    1000 ns/op	  64000 calls/s
BenchmarkLoadOverhead/conc=64/impl=sebstest/round=2-2         	      100	    1200 ns/op	  53333 calls/s
BenchmarkOther-2 10 5 ns/op
PASS
goos: linux
goarch: amd64
BenchmarkLoadOverhead/conc=64/impl=net-http/round=1-2         	      100	    2000 ns/op
BenchmarkLoadOverhead/conc=64/impl=sebstest/round=1-2         	      100	    1900 ns/op
PASS
goos: linux
BenchmarkLoadOverhead/conc=64/impl=sebstest/round=1-2         	      100	    3000 ns/op
PASS
`

func TestReadAndCompare(t *testing.T) {
	procs, warnings, err := readProcesses([]byte(output), "out.txt", "impl")
	require.NoError(t, err)
	assert.Empty(t, warnings)
	require.Len(t, procs, 3)
	rows := compare(procs, "net-http", nil)
	byKey := map[string]row{}
	for _, r := range rows {
		byKey[r.value+" "+r.unit] = r
	}
	require.Len(t, byKey, 4, "sebstest and wrk, sec/op and calls/s: %v", rows)
	// Process 1: sebstest's rounds average 1100 ns against 1000; process 2: 1900 against 2000; the third
	// has no baseline and is left out.
	sec := byKey["sebstest sec/op"]
	assert.InDeltaSlice(t, []float64{0.95, 1.1}, sec.ratios, 1e-12)
	assert.InDelta(t, 1.025, sec.median, 1e-12)
	assert.InDelta(t, math.Sqrt(0.95*1.1), sec.geomean, 1e-12)
	assert.True(t, math.IsNaN(sec.lo), "two processes give no 95%% interval")
	calls := byKey["sebstest calls/s"]
	assert.InDeltaSlice(t, []float64{(64000 + 53333) / 2.0 / 64000}, calls.ratios, 1e-12)
	assert.InDeltaSlice(t, []float64{2}, byKey["wrk calls/s"].ratios, 1e-12)
	assert.Equal(t, "LoadOverhead/conc=64-2", sec.group)

	only := compare(procs, "net-http", []string{"calls/s"})
	require.Len(t, only, 2)
	for _, r := range only {
		assert.Equal(t, "calls/s", r.unit)
	}
}

func TestReadProcessesOtherKey(t *testing.T) {
	text := "goos: linux\n" +
		"BenchmarkH/path=bridge/conn=fresh/impl=trigger/round=1-2 10 400 ns/op\n" +
		"BenchmarkH/path=published/conn=fresh/impl=trigger/round=1-2 10 600 ns/op\n"
	procs, _, err := readProcesses([]byte(text), "x", "path")
	require.NoError(t, err)
	rows := compare(procs, "bridge", nil)
	require.Len(t, rows, 1)
	assert.Equal(t, "H/conn=fresh/impl=trigger-2", rows[0].group)
	assert.Equal(t, "published", rows[0].value)
	assert.InDeltaSlice(t, []float64{1.5}, rows[0].ratios, 1e-12)
}

// TestReadProcessesBlocks: a process whose results name blocks is read block by block, in the order they
// first appear, each block's rounds averaged; its ratio is its blocks' median, one ratio per process.
func TestReadProcessesBlocks(t *testing.T) {
	text := "goos: linux\n" +
		"BenchmarkH/conn=fresh/block=2/impl=net-http/round=1-2 10 200 ns/op\n" +
		"BenchmarkH/conn=fresh/block=2/impl=sebstest/round=1-2 10 180 ns/op\n" +
		"BenchmarkH/conn=fresh/block=1/impl=sebstest/round=1-2 10 110 ns/op\n" +
		"BenchmarkH/conn=fresh/block=1/impl=net-http/round=1-2 10 100 ns/op\n" +
		"BenchmarkH/conn=fresh/block=1/impl=net-http/round=2-2 10 100 ns/op\n" +
		"BenchmarkH/conn=fresh/block=1/impl=sebstest/round=2-2 10 130 ns/op\n" +
		"BenchmarkH/conn=fresh/block=3/impl=sebstest/round=1-2 10 150 ns/op\n" +
		"BenchmarkH/conn=fresh/block=3/impl=net-http/round=1-2 10 100 ns/op\n" +
		"goos: linux\n" +
		"BenchmarkH/conn=fresh/impl=sebstest/round=1-2 10 300 ns/op\n" +
		"BenchmarkH/conn=fresh/impl=net-http/round=1-2 10 300 ns/op\n"
	procs, warnings, err := readProcesses([]byte(text), "x", "impl")
	require.NoError(t, err)
	assert.Empty(t, warnings)
	require.Len(t, procs, 2)
	require.Len(t, procs[0], 3, "the first process's three blocks")
	require.Len(t, procs[1], 1, "a process without blocks is one block")
	assert.InDelta(t, 180.0, procs[0][0][cell{"H/conn=fresh-2", "sebstest"}]["sec/op"].value()*1e9, 1e-6, "block 2 first, as it came")
	assert.InDelta(t, 120.0, procs[0][1][cell{"H/conn=fresh-2", "sebstest"}]["sec/op"].value()*1e9, 1e-6, "block 1's rounds averaged")
	rows := compare(procs, "net-http", nil)
	require.Len(t, rows, 1)
	assert.Equal(t, "H/conn=fresh-2", rows[0].group, "the block is not part of the group")
	// Block ratios 0.9, 1.2 and 1.5: the first process's median is 1.2; the second's only ratio 1.
	assert.InDeltaSlice(t, []float64{1, 1.2}, rows[0].ratios, 1e-12)
}

// TestReadProcessesMalformedLine: a benchmark that failed after its first run prints "--- FAIL" where
// its figures go; the line is left out with a warning naming it, and the rest is read.
func TestReadProcessesMalformedLine(t *testing.T) {
	text := "goos: linux\nBenchmarkA/impl=x-2 10 1 ns/op\ngoos: linux\nfoo\n" +
		"BenchmarkA/impl=x-2 \t--- FAIL: BenchmarkA/impl=x\nBenchmarkA/impl=y-2 10 2 ns/op\n"
	procs, warnings, err := readProcesses([]byte(text), "bad.txt", "impl")
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "bad.txt:5:")
	require.Len(t, procs, 2)
	assert.Contains(t, procs[1][0], cell{"A-2", "y"})
	assert.NotContains(t, procs[1][0], cell{"A-2", "x"})
}

func TestSplitProcesses(t *testing.T) {
	chunks := splitProcesses([]byte("log line\ngoos: a\nx\ngoos: b\ny"))
	require.Len(t, chunks, 3)
	assert.Equal(t, "log line\n", string(chunks[0].text))
	assert.Equal(t, 2, chunks[1].line)
	assert.Equal(t, "goos: b\ny", string(chunks[2].text))
	assert.Equal(t, 4, chunks[2].line)
}

func TestMedianCI(t *testing.T) {
	xs := make([]float64, 12)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	// n = 12: P(B ≤ 2) = 79/4096, so x(3) and x(10) cover the median with 1 - 158/4096; x(4), x(9) only 85%.
	lo, hi, conf := medianCI(xs, 0.95)
	assert.Equal(t, 3.0, lo)
	assert.Equal(t, 10.0, hi)
	assert.InDelta(t, 1-158.0/4096, conf, 1e-12)

	lo, hi, conf = medianCI(xs[:6], 0.95) // 1 - 2/64
	assert.Equal(t, []float64{1, 6}, []float64{lo, hi})
	assert.InDelta(t, 1-2.0/64, conf, 1e-12)

	lo, _, _ = medianCI(xs[:5], 0.95) // 1 - 2/32 < 0.95
	assert.True(t, math.IsNaN(lo))
}

// TestMedianCIAgainstExactCounts checks the interval's index and coverage for n = 1 to 60 against binomial
// coefficients counted exactly, and that a large n (where 2^-n underflows a float64) still gives an
// interval, not the median alone.
func TestMedianCIAgainstExactCounts(t *testing.T) {
	for n := 1; n <= 60; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		// want: the largest k with 1 - 2·P(B < k) ≥ 0.95, P from exact counts C(n, i) / 2^n.
		total := new(big.Int).Lsh(big.NewInt(1), uint(n))
		below, wantK := new(big.Int), 0
		var wantConf float64
		for k := 1; 2*k <= n+1; k++ {
			below.Add(below, new(big.Int).Binomial(int64(n), int64(k-1)))
			cover := new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).SetFrac(new(big.Int).Lsh(below, 1), total))
			if cover.Cmp(big.NewRat(95, 100)) < 0 {
				break
			}
			wantK, wantConf = k, func() float64 { f, _ := cover.Float64(); return f }()
		}
		lo, hi, conf := medianCI(xs, 0.95)
		if wantK == 0 {
			assert.True(t, math.IsNaN(lo), "n=%d: want no interval", n)
			continue
		}
		assert.Equal(t, float64(wantK), lo, "n=%d", n)
		assert.Equal(t, float64(n+1-wantK), hi, "n=%d", n)
		assert.InDelta(t, wantConf, conf, 1e-12, "n=%d", n)
	}
	xs := make([]float64, 2000)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	lo, hi, conf := medianCI(xs, 0.95)
	assert.Less(t, lo, 1000.0)
	assert.Greater(t, hi, 1001.0)
	assert.Less(t, conf, 0.96)
}

func TestSignedRankPKnown(t *testing.T) {
	// Six ratios above 1: only one sign pattern in 64 is as extreme on each side.
	assert.InDelta(t, 2.0/64, signedRankP([]float64{1.1, 1.2, 1.3, 1.4, 1.5, 1.6}), 1e-12)
	assert.InDelta(t, 2.0/64, signedRankP([]float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4}), 1e-12)
	assert.Equal(t, 1.0, signedRankP([]float64{1, 1}))
	assert.Equal(t, 1.0, signedRankP([]float64{2, 0.5}), "equal and opposite")
}

// TestSignedRankPAgainstEnumeration checks the exact distribution against all 2^n sign patterns, with
// ties, on random data.
func TestSignedRankPAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(11)
		ratios := make([]float64, n)
		for i := range ratios {
			// Few distinct magnitudes, so ties are common; some below 1, some above.
			ratios[i] = math.Exp(float64(rng.IntN(7)-3) / 10)
		}
		assert.InDelta(t, enumeratedP(ratios), signedRankP(ratios), 1e-9, "trial %d: %v", trial, ratios)
	}
}

// enumeratedP is the signed-rank test done the slow way: average ranks of |log r| by counting, then the
// positive rank sum of every sign pattern.
func enumeratedP(ratios []float64) float64 {
	var a []float64
	var pos []bool
	for _, r := range ratios {
		if l := math.Log(r); l != 0 {
			a, pos = append(a, math.Abs(l)), append(pos, l > 0)
		}
	}
	n := len(a)
	if n == 0 {
		return 1
	}
	rank := make([]float64, n)
	for i := range a {
		less, same := 0, 0
		for j := range a {
			if a[j] < a[i] {
				less++
			} else if a[j] == a[i] {
				same++
			}
		}
		rank[i] = float64(less) + float64(same+1)/2
	}
	w := 0.0
	for i := range a {
		if pos[i] {
			w += rank[i]
		}
	}
	below, above := 0, 0
	for mask := range 1 << n {
		s := 0.0
		for i := range n {
			if mask&(1<<i) != 0 {
				s += rank[i]
			}
		}
		if s <= w+1e-9 {
			below++
		}
		if s >= w-1e-9 {
			above++
		}
	}
	total := float64(int(1) << n)
	return min(1, 2*min(float64(below), float64(above))/total)
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.txt")
	require.NoError(t, os.WriteFile(file, []byte(output), 0o600))
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-units", "sec/op", file}, &stdout, &stderr), stderr.String())
	out := stdout.String()
	assert.Contains(t, out, "ratio of each /impl= to /impl=net-http")
	assert.Regexp(t, `LoadOverhead/conc=64-2\s+sebstest\s+sec/op\s+2\s+1\.025\s+\(too few\)`, out)
	assert.NotContains(t, out, "calls/s")
	assert.Empty(t, stderr.String())

	// Spaces around units are trimmed; a unit no result has is named.
	stdout.Reset()
	require.Equal(t, 0, run([]string{"-units", "sec/op, calls/s,ns/op", file}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "calls/s")
	assert.Contains(t, stderr.String(), `no result has the unit "ns/op" (units are benchfmt's: ns/op reads as sec/op)`)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-base", "nothing", file}, "no result has /impl=nothing (values seen: net-http, sebstest, wrk; check -base)"},
		{[]string{"-key", "conc", "-base", "64", file}, "every result has /conc=64"},
		{[]string{"-key", "nokey", file}, "no result has a /nokey= element"},
		{[]string{"-units", "B/op", file}, "no unit named in -units"},
		{[]string{filepath.Join(dir, "missing.txt")}, "missing.txt"},
	} {
		stdout.Reset()
		stderr.Reset()
		assert.Equal(t, 1, run(tc.args, &stdout, &stderr), "%v", tc.args)
		assert.Contains(t, stderr.String(), tc.want, "%v", tc.args)
	}

	stderr.Reset()
	assert.Equal(t, 2, run(nil, &stdout, &stderr))
	assert.True(t, strings.HasPrefix(stderr.String(), "usage: paired"))
	assert.Equal(t, 0, run([]string{"-h"}, &stdout, &stderr))
}

func TestPrintRowsSmallP(t *testing.T) {
	var out bytes.Buffer
	rows := []row{summarise("G", "a", "sec/op", []float64{1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2})}
	require.NoError(t, printRows(&out, rows, "impl", "b"))
	assert.Regexp(t, `G\s+a\s+sec/op\s+12\s+1\.650\s+\[1\.300, 2\.000\] \(96%\).*<0\.001\n$`, out.String())
}
