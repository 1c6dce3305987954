package sebs_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// TestOutputIntegersAboveTwo53Survive: a function's integers above 2^53 keep
// every digit from the response to experiments.json (issue 12).
func TestOutputIntegersAboveTwo53Survive(t *testing.T) {
	tr, _ := newTrigger(t, respond(200, `{"begin":"1.0","end":"2.0","request_id":"r","is_cold":false,`+
		`"result":{"output":{"id":9007199254740993,"ratio":0.1,"huge":18446744073709551617}}}`))
	res, err := tr.Invoke(context.Background(), nil)
	require.NoError(t, err)
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	assert.JSONEq(t, `{"huge":18446744073709551617,"id":9007199254740993,"ratio":0.1}`, string(out))
	assert.Contains(t, string(out), "9007199254740993")

	var exp sebs.ExperimentResult
	exp.AddInvocation("f", res)
	file, err := sebs.MarshalUpstream(exp)
	require.NoError(t, err)
	assert.Contains(t, string(file), `"id": 9007199254740993`)
	assert.Contains(t, string(file), `"huge": 18446744073709551617`)

	var back sebs.ExperimentResult
	require.NoError(t, json.Unmarshal(file, &back))
	id, err := back.Invocations["f"]["r"].Output["result"].(map[string]any)["output"].(map[string]any)["id"].(json.Number).Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(1<<53+1), id)
}

// TestRewriteUpstreamFileKeepsBigIntegers: reading and writing back an
// experiments.json that upstream (Python) wrote changes no digit.
func TestRewriteUpstreamFileKeepsBigIntegers(t *testing.T) {
	data, err := os.ReadFile("testdata/upstream/bigint_output.json")
	require.NoError(t, err)
	var exp sebs.ExperimentResult
	require.NoError(t, json.Unmarshal(data, &exp))
	out, err := sebs.MarshalUpstream(exp)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(out), "written back byte for byte")
	assert.True(t, strings.Contains(string(out), "18446744073709551617"))
}
