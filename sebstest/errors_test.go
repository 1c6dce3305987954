package sebstest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReaperHint(t *testing.T) {
	pull := errors.New(`generic container: create container: reaper: new reaper: run container: Error response from daemon: Get "https://registry-1.docker.io/v2/": no such host`)
	assert.Contains(t, reaperHint(fmt.Errorf("wrapped: %w", pull)), "TESTCONTAINERS_RYUK_DISABLED=true")
	assert.Empty(t, reaperHint(errors.New("create container: no such image")))
	assert.Empty(t, reaperHint(nil))
}
