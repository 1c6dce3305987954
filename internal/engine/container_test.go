package engine

import (
	"errors"
	"fmt"
	"testing"
)

func TestOnlyGone(t *testing.T) {
	gone := errors.New("Error response from daemon: No such container: 0123456789ab")
	hook := errors.New("terminate hook: flush logs: disk full")
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, true},
		{"gone", gone, true},
		{"wrapped gone", fmt.Errorf("remove: %w", gone), true},
		{"joined: nil, gone, nil", errors.Join(nil, gone, nil), true},
		{"joined: hook error beside gone", errors.Join(hook, gone), false},
		{"other", hook, false},
		{"joined in joined", errors.Join(errors.Join(gone), gone), true},
	} {
		if got := OnlyGone(c.err); got != c.want {
			t.Errorf("%s: OnlyGone(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
