package sebs_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

func TestStartupJSONKeepsSampleKeys(t *testing.T) {
	st := sebs.Startup{Create: 1, Start: 2, Ready: 3, FirstByte: 4}
	data, err := json.Marshal(st)
	require.NoError(t, err)
	assert.JSONEq(t, `{"create_ns":1,"start_ns":2,"ready_ns":3,"first_byte_ns":4}`, string(data))
	var back sebs.Startup
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, st, back)
	assert.Equal(t, 6*time.Nanosecond, st.Total())
	assert.Error(t, json.Unmarshal([]byte(`{"create_ns":"x"}`), &back))
}

func TestLocalFunctionMoveTo(t *testing.T) {
	_, old := newTrigger(t, respond(500, `{}`))
	_, srv := newTrigger(t, respond(200, wireOK))
	lf := sebs.NewLocalFunction(exampleFunction(), nil, old.Listener.Addr().String(), 1)
	defer lf.Stop(context.Background())
	lf.MoveTo("new-id", srv.Listener.Addr().String(), 2)
	assert.Equal(t, "new-id", lf.InstanceID)
	assert.Equal(t, 2, lf.Port)
	assert.Equal(t, srv.Listener.Addr().String(), lf.HTTPTrigger().URL)
	r, err := lf.Invoke(context.Background(), nil)
	require.NoError(t, err, "the trigger must call the new URL")
	assert.Equal(t, "req-1", r.RequestID)
}
