package benchmarks

import (
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"

	"strconv"
	"strings"
	"testing"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest/bench"
)

// shardFlag splits the suite across machines: see shard.
var shardFlag = flag.String("sebs.shard", "", "run only shard k of n (k/n, e.g. 2/4) of the suite's benchmark/language/mode units; empty runs all")

// A shard is one of n parts of the suite, chosen by -sebs.shard=k/n. The unit is a benchmark in one
// language and one mode (sleep/lang=go/mode=warm), all its sizes together: the warm and sequential modes
// share a language's container, and a fresh container's one cold call falls in the first mode run, so
// cutting finer than a mode would change what the shards record against one run of the whole. A unit
// belongs to shard 1 + (the first 8 bytes of SHA-256(unit), big-endian) mod n: the same on every machine and every run, and independent of
// which other units a run selects. The zero shard keeps every unit.
type shard struct{ k, n int }

// parseShard reads "k/n" (1 ≤ k ≤ n); "" is the whole suite.
func parseShard(s string) (shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return shard{}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return shard{}, fmt.Errorf("-sebs.shard=%q: want k/n with 1 ≤ k ≤ n, e.g. 2/4 (make bench SHARD=2/4)", s)
	}
	return shard{k: k, n: n}, nil
}

// keeps reports whether the shard runs the benchmark in the language and mode.
func (s shard) keeps(benchmark, lang string, mode bench.Mode) bool {
	if s.n <= 1 {
		return true
	}
	sum := sha256.Sum256([]byte(benchmark + "/lang=" + lang + "/mode=" + string(mode)))
	return binary.BigEndian.Uint64(sum[:8])%uint64(s.n) == uint64(s.k-1)
}

// modes returns the modes of modes the shard runs for the benchmark in the language, in order.
func (s shard) modes(benchmark, lang string, modes []bench.Mode) []bench.Mode {
	var out []bench.Mode
	for _, m := range modes {
		if s.keeps(benchmark, lang, m) {
			out = append(out, m)
		}
	}
	return out
}

// skipIfEmpty skips the benchmark when the shard runs none of its units, so that it reports nothing rather
// than an empty loop's timing.
func (s shard) skipIfEmpty(b *testing.B, bm fixtures.Benchmark, cfg config) {
	for _, lang := range cfg.languages {
		if suiteHas(bm, lang) && len(s.modes(bm.Name, lang, cfg.modes)) > 0 {
			return
		}
	}
	b.Skipf("shard %d/%d runs no mode of %s (-sebs.shard)", s.k, s.n, bm.Name)
}
