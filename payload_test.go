package sebs_test

import (
	"encoding/json"
	"testing"

	"github.com/gosebs/sebs"
)

// The one handler-output accessor and the one payload encoder, tested where they live (moved here with
// sebstest's duplicates, which are gone).

func TestHandlerOutputOfResult(t *testing.T) {
	res := &sebs.ExecutionResult{RequestID: "r", Output: map[string]any{
		"result": map[string]any{"output": map[string]any{"result": 0.5}},
	}}
	got, err := res.HandlerOutput()
	if err != nil || string(got) != `{"result":0.5}` {
		t.Errorf("HandlerOutput = %s, %v; want {\"result\":0.5}", got, err)
	}
	for name, out := range map[string]map[string]any{
		"no result":     {},
		"result string": {"result": "x"},
		"no output":     {"result": map[string]any{}},
	} {
		if _, err := (&sebs.ExecutionResult{Output: out}).HandlerOutput(); err == nil {
			t.Errorf("%s: HandlerOutput gave no error", name)
		}
	}
	if _, err := (*sebs.ExecutionResult)(nil).HandlerOutput(); err == nil {
		t.Error("HandlerOutput(nil) gave no error")
	}
}

func TestEncodePayloadForms(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{{nil, `{}`}, {map[string]any{"sleep": 0}, `{"sleep":0}`}, {[]byte(`{"a":1}`), `{"a":1}`}, {json.RawMessage(`[1]`), `[1]`}} {
		got, err := sebs.EncodePayload(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("sebs.EncodePayload(%v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := sebs.EncodePayload(func() {}); err == nil {
		t.Error("sebs.EncodePayload(func) gave no error")
	}
}
