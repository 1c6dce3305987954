package sebs_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

func exampleConfig() sebs.FunctionConfig {
	return sebs.FunctionConfig{
		Timeout:      10,
		Memory:       128,
		Runtime:      sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11", Variant: "default"},
		Architecture: sebs.ArchX64,
	}
}

func exampleFunction() sebs.Function {
	fn := sebs.Function{
		Name:      "sebd-110.dynamic-html-python-3.11",
		Benchmark: "110.dynamic-html",
		Hash:      "5ff0657337d17b0cf6156f712f697610",
		Config:    exampleConfig(),
	}
	fn.AddTrigger(sebs.NewHTTPTrigger("172.17.0.3:9000"))
	return fn
}

func exampleResult() sebs.ExecutionResult {
	begin := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.Local)
	mem := 61.5
	r := sebs.ExecutionResult{
		Output: map[string]any{
			"begin": "1735787045.100000", "end": "1735787045.101234", "is_cold": false,
			"request_id": "9b1d3c4e", "result": map[string]any{"output": map[string]any{"result": json.Number("1")}},
		},
		RequestID: "9b1d3c4e",
		Times: sebs.ExecutionTimes{
			Benchmark: 1234,
		},
		Stats: sebs.ExecutionStats{ColdStart: false, MemoryUsed: &mem},
		Detail: &sebs.Detail{
			ConnectionReused: true,
			ContainerID:      "0123456789ab",
			HandlerNS:        1234000,
			MemorySamples:    []sebs.MemorySample{{Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Bytes: 12 << 20}},
		},
	}
	r.Times.SetClient(begin, begin.Add(2500*time.Microsecond), 2500*time.Microsecond)
	r.Times.SetHTTP(123*time.Microsecond, 2100*time.Microsecond)
	return r
}

func TestParseLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want sebs.Language
	}{{"python", sebs.LanguagePython}, {"NodeJS", sebs.LanguageNodeJS}, {" java ", sebs.LanguageJava}, {"CPP", sebs.LanguageCpp}, {"go", sebs.LanguageGo}} {
		got, err := sebs.ParseLanguage(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
	_, err := sebs.ParseLanguage("rust")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"rust"`)
	assert.Contains(t, err.Error(), "python, nodejs")
}

func TestParseArchitecture(t *testing.T) {
	a, err := sebs.ParseArchitecture("ARM64")
	require.NoError(t, err)
	assert.Equal(t, sebs.ArchARM64, a)
	a, err = sebs.ParseArchitecture("x64")
	require.NoError(t, err)
	assert.Equal(t, sebs.ArchX64, a)
	_, err = sebs.ParseArchitecture("x86_64")
	require.ErrorContains(t, err, "x86_64")
}

func TestParseTriggerType(t *testing.T) {
	for in, want := range map[string]sebs.TriggerType{"http": sebs.TriggerHTTP, "HTTP": sebs.TriggerHTTP, "Library": sebs.TriggerLibrary, "STORAGE": sebs.TriggerStorage} {
		got, err := sebs.ParseTriggerType(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := sebs.ParseTriggerType("queue")
	require.ErrorContains(t, err, `unknown trigger type "queue"`)
}

func TestRuntimeJSON(t *testing.T) {
	var r sebs.Runtime
	require.NoError(t, json.Unmarshal([]byte(`{"language":"nodejs","version":"20"}`), &r))
	assert.Equal(t, sebs.Runtime{Language: sebs.LanguageNodeJS, Version: "20", Variant: "default"}, r)
	b, err := json.Marshal(sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"language":"go","version":"1.26","language-variant":"default"}`, string(b))
	require.ErrorContains(t, json.Unmarshal([]byte(`{"language":"cobol","version":"1"}`), &r), "cobol")
	assert.Equal(t, "python-3.11-pypy", sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11", Variant: "pypy"}.String())
}

func TestFunctionConfig(t *testing.T) {
	cfg := exampleConfig()
	assert.Equal(t, 10*time.Second, cfg.TimeoutDuration())
	assert.Equal(t, 60*time.Second, sebs.DefaultTimeout)
	assert.Equal(t, sebs.DefaultTimeout, sebs.FunctionConfig{}.TimeoutDuration(), "0 means the default, not no timeout")
	assert.Equal(t, sebs.DefaultTimeout, sebs.FunctionConfig{Timeout: -1}.TimeoutDuration())
	var fn sebs.Function
	require.NoError(t, json.Unmarshal([]byte(`{"name":"f","config":{"timeout":0},"triggers":[{"type":"HTTP","url":"127.0.0.1:1"}]}`), &fn))
	assert.Equal(t, sebs.DefaultTimeout, fn.Triggers(sebs.TriggerHTTP)[0].(*sebs.HTTPTrigger).Timeout)
	// Upstream's verified serialization (sebs.md §1.9).
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, `{"architecture":"x64","memory":128,"runtime":{"language":"python","language-variant":"default","version":"3.11"},"timeout":10}`, string(b))
	var back sebs.FunctionConfig
	require.NoError(t, json.Unmarshal([]byte(`{"memory":256,"runtime":{"language":"python","version":"3.9"},"timeout":60}`), &back))
	assert.Equal(t, sebs.ArchX64, back.Architecture, "missing architecture reads as upstream's default")
	assert.Equal(t, "default", back.Runtime.Variant)
	assertGolden(t, "config", cfg)
}

func TestFunctionTriggers(t *testing.T) {
	var fn sebs.Function
	h1, h2 := sebs.NewHTTPTrigger("a:1"), sebs.NewHTTPTrigger("b:2")
	lib := fakeTrigger{typ: sebs.TriggerLibrary}
	fn.AddTrigger(h1)
	fn.AddTrigger(lib)
	fn.AddTrigger(h2)
	fn.AddTrigger(nil)
	assert.Equal(t, []sebs.Trigger{h1, h2}, fn.Triggers(sebs.TriggerHTTP))
	assert.Equal(t, []sebs.Trigger{lib}, fn.Triggers(sebs.TriggerLibrary))
	assert.Nil(t, fn.Triggers(sebs.TriggerStorage))
	assert.Equal(t, []sebs.Trigger{h1, h2, lib}, fn.AllTriggers(), "grouped by type, types in order of first appearance")

	// Copies have independent trigger lists.
	cp := fn
	cp.AddTrigger(sebs.NewHTTPTrigger("c:3"))
	fn.AddTrigger(sebs.NewHTTPTrigger("d:4"))
	assert.Len(t, cp.Triggers(sebs.TriggerHTTP), 3)
	assert.Equal(t, "c:3", cp.Triggers(sebs.TriggerHTTP)[2].(*sebs.HTTPTrigger).URL)
	assert.Equal(t, "d:4", fn.Triggers(sebs.TriggerHTTP)[2].(*sebs.HTTPTrigger).URL)
}

type fakeTrigger struct{ typ sebs.TriggerType }

func (f fakeTrigger) Type() sebs.TriggerType { return f.typ }
func (f fakeTrigger) Invoke(context.Context, any) (*sebs.ExecutionResult, error) {
	return nil, nil
}
func (f fakeTrigger) InvokeAsync(context.Context, any) <-chan sebs.Outcome { return nil }
func (f fakeTrigger) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"type": strings.ToUpper(string(f.typ))})
}

func TestFunctionJSONRoundTrip(t *testing.T) {
	fn := exampleFunction()
	fn.UpdatedCode = true
	assertGolden(t, "function", fn)

	b, err := json.Marshal(fn)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "updated", "upstream does not serialize updated_code")
	var back sebs.Function
	require.NoError(t, json.Unmarshal(b, &back))
	fn.UpdatedCode = false
	if diff := cmp.Diff(fn, back, cmpopts.IgnoreUnexported(sebs.Function{})); diff != "" {
		t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
	}
	trs := back.Triggers(sebs.TriggerHTTP)
	require.Len(t, trs, 1)
	h := trs[0].(*sebs.HTTPTrigger)
	assert.Equal(t, "172.17.0.3:9000", h.URL)
	assert.Equal(t, 10*time.Second, h.Timeout, "restored HTTP trigger takes the function's timeout")
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	semanticJSONEqual(t, b, b2)
}

func TestFunctionUnmarshalErrors(t *testing.T) {
	for name, in := range map[string]string{
		"library trigger": `{"name":"f","triggers":[{"type":"LIBRARY","name":"x"}]}`,
		"no type":         `{"name":"f","triggers":[{"url":"a:1"}]}`,
		"bad language":    `{"name":"f","config":{"runtime":{"language":"cobol"}}}`,
		"not an object":   `[1]`,
		"bad triggers":    `{"triggers":{}}`,
	} {
		var fn sebs.Function
		assert.Error(t, json.Unmarshal([]byte(in), &fn), name)
	}
	var fn sebs.Function
	err := json.Unmarshal([]byte(`{"name":"f","triggers":[{"type":"LIBRARY"}]}`), &fn)
	require.ErrorContains(t, err, `no "url" key`)
}

func TestTriggerJSON(t *testing.T) {
	h := sebs.NewHTTPTrigger("172.17.0.3:9000")
	assertGolden(t, "trigger", h)
	for _, in := range []string{`{"type":"HTTP","url":"172.17.0.3:9000"}`, `{"type":"http","url":"172.17.0.3:9000"}`} {
		tr, err := sebs.UnmarshalTrigger([]byte(in))
		require.NoError(t, err, in)
		require.Equal(t, sebs.TriggerHTTP, tr.Type())
		assert.Equal(t, "172.17.0.3:9000", tr.(*sebs.HTTPTrigger).URL)
		out, err := tr.MarshalJSON()
		require.NoError(t, err)
		assert.JSONEq(t, `{"type":"HTTP","url":"172.17.0.3:9000"}`, string(out))
	}
	for in, msg := range map[string]string{
		`{"type":"library"}`:         `only triggers of a local emulator can be restored`,
		`{"type":"storage"}`:         `"storage" is not supported`,
		`{"type":"queue","url":"x"}`: `unknown trigger type "queue"`,
		`{"url":"x"}`:                `no "type"`,
		`{"type":"HTTP"}`:            `no "url"`,
		`"HTTP"`:                     "decode trigger",
	} {
		_, err := sebs.UnmarshalTrigger([]byte(in))
		require.ErrorContains(t, err, msg, in)
	}
}

func TestResultJSON(t *testing.T) {
	r := exampleResult()
	assertGolden(t, "result", r)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back sebs.ExecutionResult
	require.NoError(t, json.Unmarshal(b, &back))
	opts := cmp.Options{cmpopts.EquateApproxTime(0)}
	if diff := cmp.Diff(r, back, opts); diff != "" {
		t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
	}

	assert.Equal(t, 2500*time.Microsecond, back.Times.ClientDuration())
	assert.Equal(t, 1234*time.Microsecond, back.Times.BenchmarkDuration())
	assert.Equal(t, 123*time.Microsecond, back.Times.HTTPStartupDuration())
	assert.Equal(t, 2100*time.Microsecond, back.Times.FirstByteDuration())
	assert.Equal(t, 1234*time.Microsecond, back.Detail.HandlerDuration())
}

func TestResultJSONDefaults(t *testing.T) {
	// An empty result writes all six upstream keys, no http_* or client_begin/end,
	// and no detail.
	b, err := json.Marshal(sebs.ExecutionResult{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"billing":{"_billed_time":null,"_gb_seconds":0,"_memory":null},"output":{},
		"provider_times":{"execution":0,"initialization":0},"request_id":"",
		"stats":{"cold_start":false,"failure":false,"memory_used":null},
		"times":{"benchmark":0,"client":0,"initialization":0}}`, string(b))
	var r sebs.ExecutionResult
	require.NoError(t, json.Unmarshal([]byte(`{"request_id":"x"}`), &r), "missing keys are accepted")
	assert.Equal(t, "x", r.RequestID)
	assert.Nil(t, r.Times.HTTPStartup)
	assert.Zero(t, r.Times.HTTPStartupDuration())
	for _, bad := range []string{`{"times":{"client_begin":5}}`, `{"times":{"client_begin":"yesterday"}}`, `{"times":{"client":"x"}}`, `{"stats":{"cold_start":1}}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
	}
}

func TestUpstreamTimestampFormat(t *testing.T) {
	var times sebs.ExecutionTimes
	require.NoError(t, json.Unmarshal([]byte(`{"client_begin":"2025-01-02 03:04:05","client_end":"2025-01-02 03:04:05.000001"}`), &times))
	assert.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local), times.ClientBegin)
	assert.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 1000, time.Local), times.ClientEnd)
	b, err := json.Marshal(times)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"client_begin":"2025-01-02 03:04:05"`, "fraction left out at zero µs, as Python's str(datetime)")
	assert.Contains(t, string(b), `"client_end":"2025-01-02 03:04:05.000001"`)
	require.NoError(t, json.Unmarshal([]byte(`{"client_begin":"2025-01-02 03:04:05.5+00:00"}`), &times), "aware datetimes")
	assert.True(t, times.ClientBegin.Equal(time.Date(2025, 1, 2, 3, 4, 5, 5e8, time.UTC)))
}
