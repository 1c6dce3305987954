package sebs_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/gosebs/sebs"
)

// roundTrip checks that a value that decoded once encodes, and that encoding is
// then stable: decode(encode(v)) encodes to the same bytes.
func roundTrip[T any](t *testing.T, data []byte) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return
	}
	first, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("decoded %q but cannot encode it: %v", data, err)
	}
	var again T
	if err := json.Unmarshal(first, &again); err != nil {
		t.Fatalf("cannot decode own output %s: %v", first, err)
	}
	second, err := json.Marshal(&again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("unstable round trip:\n%s\n%s", first, second)
	}
}

func addFileSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzUnmarshalResult(f *testing.F) {
	addFileSeeds(f, "testdata/result.golden.json")
	for _, s := range []string{`{}`, `{"times":{"client_begin":"2025-01-02 03:04:05","client":1.5}}`,
		`{"stats":{"memory_used":null},"billing":{"_memory":128,"_billed_time":3,"_gb_seconds":0.1}}`, `{"detail":{"memory_samples":[{"time":"2025-01-02T03:04:05Z","bytes":1}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[sebs.ExecutionResult](t, data) })
}

func FuzzUnmarshalFunction(f *testing.F) {
	addFileSeeds(f, "testdata/function.golden.json", "testdata/config.golden.json")
	f.Add([]byte(`{"name":"f","triggers":[{"type":"http","url":"a:1"},{"type":"library"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[sebs.Function](t, data) })
}

func FuzzUnmarshalFunctionConfig(f *testing.F) {
	addFileSeeds(f, "testdata/config.golden.json")
	f.Add([]byte(`{"timeout":-1,"memory":1e99,"architecture":"ARM64","runtime":{"language":"Go"}}`))
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[sebs.FunctionConfig](t, data) })
}

func FuzzUnmarshalRuntime(f *testing.F) {
	f.Add([]byte(`{"language":"python","version":"3.11","language-variant":"pypy"}`))
	f.Add([]byte(`{"language":"","version":""}`))
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[sebs.Runtime](t, data) })
}

func FuzzUnmarshalLocalFunction(f *testing.F) {
	addFileSeeds(f, "testdata/local_function.golden.json")
	f.Add([]byte(`{"name":"f","instance_id":"abc","url":"127.0.0.1:1","port":1,"triggers":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) { roundTrip[sebs.LocalFunction](t, data) })
}

func FuzzUnmarshalTrigger(f *testing.F) {
	addFileSeeds(f, "testdata/trigger.golden.json")
	for _, s := range []string{`{"type":"http","url":""}`, `{"type":"LIBRARY"}`, `{"url":"x"}`, `{"type":"HTTP","url":"127.0.0.1:9000","extra":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := sebs.UnmarshalTrigger(data)
		if err != nil {
			if tr != nil {
				t.Fatal("trigger and error")
			}
			return
		}
		b, err := tr.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		tr2, err := sebs.UnmarshalTrigger(b)
		if err != nil {
			t.Fatalf("cannot read own output %s: %v", b, err)
		}
		if tr2.Type() != tr.Type() || tr2.(*sebs.HTTPTrigger).URL != tr.(*sebs.HTTPTrigger).URL {
			t.Fatalf("round trip changed %s", b)
		}
	})
}
