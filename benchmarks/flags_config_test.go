package benchmarks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest/bench"
)

func TestNewConfig(t *testing.T) {
	c, err := newConfig(" test, large ", "cold,WARM", 3, time.Millisecond, true, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.sizes, []fixtures.Size{fixtures.SizeTest, fixtures.SizeLarge}) ||
		!slices.Equal(c.modes, []bench.Mode{bench.ModeCold, bench.ModeWarm}) ||
		c.concurrency != 3 || !slices.Equal(c.languages, []string{"go", "python", "nodejs"}) {
		t.Errorf("newConfig = %+v", c)
	}
	for _, tc := range []struct {
		sizes, modes string
		conc         int
		mem          time.Duration
		want         string
	}{
		{"huge", "warm", 1, 0, "unknown size"},
		{"test", "tepid", 1, 0, "unknown mode"},
		{"", "warm", 1, 0, "at least one size"},
		{"test", "warm", 0, 0, "at least 1"},
		{"test", "warm", 1, -time.Second, "negative"},
	} {
		if _, err := newConfig(tc.sizes, tc.modes, tc.conc, tc.mem, false, false); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("newConfig(%q, %q, %d, %v) error %v, want %q", tc.sizes, tc.modes, tc.conc, tc.mem, err, tc.want)
		}
	}
}

// TestConfigLanguages: Go always runs, each runtime flag adds its language only.
func TestConfigLanguages(t *testing.T) {
	for _, tc := range []struct {
		python, nodejs bool
		want           []string
	}{
		{false, false, []string{"go"}},
		{true, false, []string{"go", "python"}},
		{false, true, []string{"go", "nodejs"}},
	} {
		c, err := newConfig("test", "warm", 1, 0, tc.python, tc.nodejs)
		if err != nil || !slices.Equal(c.languages, tc.want) {
			t.Errorf("newConfig(python=%t, nodejs=%t) languages %v, %v; want %v", tc.python, tc.nodejs, c.languages, err, tc.want)
		}
	}
}

func TestDefaultConfigIsValid(t *testing.T) {
	c, err := parseConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.sizes) == 0 || len(c.modes) == 0 {
		t.Errorf("default config %+v selects nothing", c)
	}
}
