package sebs_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

type fakeContainer struct {
	id    string
	stops atomic.Int32
	err   error
}

func (c *fakeContainer) ID() string { return c.id }
func (c *fakeContainer) Stop(context.Context) error {
	c.stops.Add(1)
	return c.err
}

func TestLocalFunctionJSON(t *testing.T) {
	c := &fakeContainer{id: "3f2a9c4b1e8d"}
	fn := exampleFunction()
	lf := sebs.NewLocalFunction(fn, c, "127.0.0.1:32768", 9000)
	assert.Equal(t, "3f2a9c4b1e8d", lf.InstanceID)
	assert.Equal(t, 10*time.Second, lf.HTTPTrigger().Timeout)
	assert.Len(t, lf.Triggers(sebs.TriggerHTTP), 2)
	assert.Len(t, fn.Triggers(sebs.TriggerHTTP), 1, "the Function passed in is not changed")
	assertGolden(t, "local_function", lf)

	b, err := json.Marshal(lf)
	require.NoError(t, err)
	var back sebs.LocalFunction
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Nil(t, back.Container)
	assert.Equal(t, lf.InstanceID, back.InstanceID)
	assert.Equal(t, lf.URL, back.URL)
	assert.Equal(t, lf.Port, back.Port)
	assert.Equal(t, "127.0.0.1:32768", back.HTTPTrigger().URL)
	assert.Same(t, back.Triggers(sebs.TriggerHTTP)[1], sebs.Trigger(back.HTTPTrigger()), "the stored trigger for URL is reused")
	b2, err := json.Marshal(&back)
	require.NoError(t, err)
	semanticJSONEqual(t, b, b2)
}

func TestLocalFunctionStop(t *testing.T) {
	c := &fakeContainer{id: "c1", err: errors.New("engine gone")}
	lf := sebs.NewLocalFunction(exampleFunction(), c, "127.0.0.1:1", 1)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = lf.Stop(context.Background()) })
	}
	wg.Wait()
	assert.Equal(t, int32(1), c.stops.Load(), "Container.Stop is called once")
	for _, err := range errs {
		require.ErrorContains(t, err, "engine gone")
		require.ErrorContains(t, err, "c1")
	}
	// Without a container Stop is a no-op.
	assert.NoError(t, sebs.NewLocalFunction(exampleFunction(), nil, "127.0.0.1:1", 1).Stop(context.Background()))
}

func TestLocalFunctionInvokeTimeoutFromConfig(t *testing.T) {
	tr, srv := newTrigger(t, hangHandler(t))
	_ = tr
	fn := exampleFunction()
	fn.Config.Timeout = 1 // second: the smallest configurable timeout
	lf := sebs.NewLocalFunction(fn, &fakeContainer{id: "c"}, srv.Listener.Addr().String(), 0)
	defer lf.Stop(context.Background())
	start := time.Now()
	_, err := lf.Invoke(context.Background(), map[string]any{})
	require.ErrorIs(t, err, sebs.ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	assert.Contains(t, err.Error(), "trigger timeout 1s")
}

func TestLocalFunctionInvoke(t *testing.T) {
	_, srv := newTrigger(t, respond(200, wireOK))
	lf := sebs.NewLocalFunction(exampleFunction(), &fakeContainer{id: "c"}, srv.Listener.Addr().String(), 0)
	defer lf.Stop(context.Background())
	r, err := lf.Invoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.Equal(t, "req-1", r.RequestID)
}
