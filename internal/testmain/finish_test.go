package testmain

import (
	"errors"
	"slices"
	"testing"
)

// TestFinishChecksLeaksAfterAfter: the leak check comes after the after hook, which ends goroutines of its
// own (a Recorder's file writers) that are no leak, and it runs only while the code says the tests passed.
func TestFinishChecksLeaksAfterAfter(t *testing.T) {
	for _, c := range []struct {
		code, afterCode int
		leak            error
		want            int
		wantSteps       []string
	}{
		{0, 0, nil, 0, []string{"after", "leaks"}},
		{0, 0, errors.New("a goroutine"), 1, []string{"after", "leaks"}},
		{1, 1, errors.New("a goroutine"), 1, []string{"after"}},
		{0, 2, nil, 2, []string{"after"}}, // after failed (result files): no leak check
	} {
		var steps []string
		after := func(code int) int {
			if code != c.code {
				t.Errorf("after got code %d, want %d", code, c.code)
			}
			steps = append(steps, "after")
			return c.afterCode
		}
		leaks := func() error { steps = append(steps, "leaks"); return c.leak }
		if got := finish(after, leaks)(c.code); got != c.want || !slices.Equal(steps, c.wantSteps) {
			t.Errorf("code %d, after %d, leak %v: exit %d after %v; want %d after %v", c.code, c.afterCode, c.leak, got, steps, c.want, c.wantSteps)
		}
	}
	if got := finish(nil, func() error { return nil })(0); got != 0 {
		t.Errorf("no after hook, no leak: exit %d, want 0", got)
	}
}
