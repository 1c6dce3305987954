package sebs_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// TestReadUpstreamInvocations reads invocations as upstream writes them into
// experiments.json (the verified example of sebs.md §1.7, plus a failed one and
// one with the optional keys missing) and checks that writing them back gives
// the same JSON.
func TestReadUpstreamInvocations(t *testing.T) {
	data, err := os.ReadFile("testdata/upstream_invocations.json")
	require.NoError(t, err)
	var file struct {
		Invocations map[string]map[string]sebs.ExecutionResult `json:"_invocations"`
	}
	require.NoError(t, json.Unmarshal(data, &file))
	fn := file.Invocations["sebd-010.sleep-python-3.11"]
	require.Len(t, fn, 3)

	r := fn["9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d"]
	assert.Equal(t, "9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d", r.RequestID)
	assert.Equal(t, 2500*time.Microsecond, r.Times.ClientDuration())
	assert.Equal(t, 1234*time.Microsecond, r.Times.BenchmarkDuration())
	assert.Equal(t, 123*time.Microsecond, r.Times.HTTPStartupDuration())
	assert.Equal(t, 2100*time.Microsecond, r.Times.FirstByteDuration())
	assert.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.Local), r.Times.ClientBegin)
	assert.Nil(t, r.Stats.MemoryUsed)
	assert.Nil(t, r.Billing.Memory)
	assert.Nil(t, r.Detail)

	cold := fn["7a6b5c4d-0000-4000-8000-000000000000"]
	assert.True(t, cold.Stats.ColdStart)
	assert.Equal(t, 3*time.Millisecond, cold.Billing.BilledDuration())
	assert.Equal(t, 150*time.Millisecond, cold.ProviderTimes.InitializationDuration())
	assert.Equal(t, 2100*time.Microsecond, cold.ProviderTimes.ExecutionDuration())
	assert.Nil(t, cold.Times.HTTPStartup, "no http_* keys: not measured")
	assert.Equal(t, time.Date(2025, 1, 2, 3, 4, 6, 0, time.Local), cold.Times.ClientBegin, "fraction-less datetime")

	assert.True(t, fn["failed-0"].Stats.Failure)
	assert.True(t, fn["failed-0"].Times.ClientBegin.IsZero())

	out, err := sebs.MarshalUpstream(file)
	require.NoError(t, err)
	semanticJSONEqual(t, data, out)
	assert.Equal(t, string(data), string(out), "written back byte for byte in upstream's format")
}

// TestReadUpstreamDeployment reads the deployment file `sebs local start`
// writes (sebs.md §2.8) and writes its functions back unchanged.
func TestReadUpstreamDeployment(t *testing.T) {
	data, err := os.ReadFile("testdata/upstream_deployment.json")
	require.NoError(t, err)
	var file struct {
		Functions          []*sebs.LocalFunction `json:"functions"`
		Inputs             []map[string]any      `json:"inputs"`
		MemoryMeasurements json.RawMessage       `json:"memory_measurements"`
		Storage            json.RawMessage       `json:"storage"`
	}
	require.NoError(t, json.Unmarshal(data, &file))
	require.Len(t, file.Functions, 1)
	lf := file.Functions[0]
	assert.Equal(t, "sebs-4d2f1a0b-110.dynamic-html-python-3.11", lf.Name)
	assert.Equal(t, "110.dynamic-html", lf.Benchmark)
	assert.Equal(t, "172.17.0.3:9000", lf.URL)
	assert.Equal(t, 9000, lf.Port)
	assert.Len(t, lf.InstanceID, 64)
	assert.Equal(t, exampleConfig(), lf.Config)
	assert.Nil(t, lf.Container)
	assert.Empty(t, lf.AllTriggers())
	require.NotNil(t, lf.HTTPTrigger(), "a trigger for URL is available even when none was stored")
	assert.Equal(t, "172.17.0.3:9000", lf.HTTPTrigger().URL)
	assert.Equal(t, 10*time.Second, lf.HTTPTrigger().Timeout)

	out, err := sebs.MarshalUpstream(file)
	require.NoError(t, err)
	semanticJSONEqual(t, data, out)
	assert.Equal(t, string(data), string(out))
}
