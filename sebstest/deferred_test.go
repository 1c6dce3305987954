package sebstest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// TestWithoutFirstStart: the function has no container until its first cold start, which then gives a
// verified cold call with its phases; memory sampling begins with that container; nothing is left behind.
func TestWithoutFirstStart(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo), WithoutFirstStart(), WithMemorySampling(5*time.Millisecond))
	assert.Empty(t, fn.ContainerID(), "no container before the first cold start")
	assert.Empty(t, ownedContainers(t), "no container of ours on the engine")
	require.NoError(t, fn.Retire(context.Background()), "retiring a function with no container is a no-op")

	res, st, err := fn.ColdInvoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.True(t, res.Stats.ColdStart)
	assert.NotEmpty(t, fn.ContainerID())
	assert.Positive(t, st.Create)
	assert.Positive(t, st.Start)
	assert.Positive(t, st.Ready)
	again, err := fn.Invoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.False(t, again.Stats.ColdStart)
	assert.NotEmpty(t, fn.MemorySamples(), "sampling starts with the first container")
}

// TestWithoutFirstStartRefused: with the restart cold mode, in Attach and in Endpoint the option cannot work
// and says so.
func TestWithoutFirstStartRefused(t *testing.T) {
	ctx := context.Background()
	_, err := Start(ctx, Fixture("sleep", sebs.LanguageGo), WithoutFirstStart(), WithColdMode(ColdRestart))
	require.ErrorContains(t, err, "WithoutFirstStart needs the replace cold mode")
	_, err = Attach(ctx, []byte(`{"name":"x","instance_id":"abc"}`), WithoutFirstStart())
	require.ErrorContains(t, err, "WithoutFirstStart applies to Start and New only")
	_, err = Endpoint("127.0.0.1:9000", WithoutFirstStart())
	require.ErrorContains(t, err, "WithoutFirstStart: no container")
}
