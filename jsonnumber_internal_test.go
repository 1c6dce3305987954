package sebs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// useNumberReference is what decodeObject must equal: encoding/json's own
// UseNumber decoding.
func useNumberReference(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want map[string]any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("decodeObject accepted %q, json.Decoder did not: %v", data, err)
	}
	return want
}

func TestDecodeObjectKeepsNumberText(t *testing.T) {
	for _, in := range []string{
		`{"n":9007199254740993,"f":1.10,"e":1E+2,"neg":-0.0,"big":123456789012345678901234567890}`,
		`{"a":[1,{"b":[2,3.5,[4]]},"5",true,null,false],"c":{}}`,
		`{"dup":{"x":1},"dup":2,"dup2":3,"dup2":{"y":[9007199254740993]}}`,
		`{"dup":[1,2,3],"dup":[4]}`,
		"{\"esc\\\"aped\":1,\"\\u00e9\":2,\"bad\xff\":3, \"sp ace\" :\t4 }",
		`{"s":"a \"quoted\" 1 and \\ backslash","n":7}`,
		` {"ws" : [ 1 , 2 ] } `,
		`null`,
	} {
		got, err := decodeObject([]byte(in))
		if err != nil {
			t.Fatalf("decodeObject(%q): %v", in, err)
		}
		if want := useNumberReference(t, []byte(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("decodeObject(%q)\n got %#v\nwant %#v", in, got, want)
		}
	}
	for _, bad := range []string{`[1]`, `{"a":}`, `{"a":1} x`, ``} {
		if _, err := decodeObject([]byte(bad)); err == nil {
			t.Errorf("decodeObject(%q) accepted invalid input", bad)
		}
	}
}

func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"n":9007199254740993}`, `{"a":[1,{"b":2.5}],"a":[3]}`, `{"\u0041":1,"A":2}`, `{"x":{"y":{"z":[1e400]}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeObject(data)
		if err != nil {
			return
		}
		if want := useNumberReference(t, data); !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeObject(%q)\n got %#v\nwant %#v", data, got, want)
		}
	})
}

// FuzzOutputIntegersRoundTrip: an integer in a function's output survives
// the whole way byte-exact: response → result → experiments.json (upstream
// format) → read back → written again, and the handler output (issue 12).
func FuzzOutputIntegersRoundTrip(f *testing.F) {
	f.Add(false, uint64(0), uint64(1)<<53+1) // 9007199254740993
	f.Add(true, uint64(0), uint64(1)<<63)
	f.Add(false, uint64(7), uint64(0))
	f.Add(false, uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, neg bool, hi, lo uint64) {
		n := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		n.Add(n, new(big.Int).SetUint64(lo))
		if neg {
			n.Neg(n)
		}
		lit := n.String()
		body := fmt.Sprintf(`{"begin":"1.0","end":"2.0","request_id":"r","is_cold":false,"result":{"output":{"n":%s,"l":[%s]}}}`, lit, lit)
		res := &ExecutionResult{Detail: &Detail{}}
		if err := parseResponse(res, 200, []byte(body)); err != nil {
			t.Fatalf("parse %s: %v", body, err)
		}
		wantOut := fmt.Sprintf(`{"l":[%s],"n":%s}`, lit, lit)
		checkHandlerOutput(t, res, wantOut)

		var exp ExperimentResult
		exp.AddInvocation("f", res)
		first, err := MarshalUpstream(exp)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(first), `"n": `+lit+"\n") {
			t.Fatalf("experiments.json lost %s:\n%s", lit, first)
		}
		var back ExperimentResult
		if err := json.Unmarshal(first, &back); err != nil {
			t.Fatal(err)
		}
		second, err := MarshalUpstream(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("rewriting changed the file:\n%s\n%s", first, second)
		}
		checkHandlerOutput(t, back.Invocations["f"]["r"], wantOut)
	})
}

func checkHandlerOutput(t *testing.T, res *ExecutionResult, want string) {
	t.Helper()
	got, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("handler output %s, want %s", got, want)
	}
}
