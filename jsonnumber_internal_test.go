package sebs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
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
		std, stdErr := decodeObjectStd(data)
		if (err != nil) != (stdErr != nil) || err != nil && err.Error() != stdErr.Error() {
			t.Fatalf("decodeObject(%q): error %v; through encoding/json alone: %v", data, err, stdErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(got, std) {
			t.Fatalf("decodeObject(%q)\n got %#v\nthrough encoding/json alone %#v", data, got, std)
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

// TestParseObjectMatchesStd compares the direct parse with encoding/json's on random documents: every
// JSON value kind, escapes, non-ASCII and invalid bytes, repeated keys, odd numbers, whitespace and
// truncations (which must fail the same way).
func TestParseObjectMatchesStd(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "é", "€", "\\n", "\\u0041", "\\ud83d\\ude00", "\\ud800", "\xff", "<&>", " ", "\\\"", "\x01"}
	numbers := []string{"0", "-0", "12", "1.5", "-3e7", "2E-9", "1e400", "-1e-400", "01", "1.", "9007199254740993", "-", "1e+2"}
	str := func() string {
		var sb strings.Builder
		sb.WriteByte('"')
		for range rng.IntN(4) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		sb.WriteByte('"')
		return sb.String()
	}
	ws := func() string { return []string{"", " ", "\n\t", "\r "}[rng.IntN(4)] }
	var value func(depth int) string
	value = func(depth int) string {
		switch k := rng.IntN(8); {
		case k == 0 && depth < 4:
			var parts []string
			for range rng.IntN(4) {
				key := str()
				if rng.IntN(4) == 0 {
					key = `"dup"`
				}
				parts = append(parts, ws()+key+ws()+":"+ws()+value(depth+1)+ws())
			}
			return "{" + strings.Join(parts, ",") + "}"
		case k == 1 && depth < 4:
			var parts []string
			for range rng.IntN(4) {
				parts = append(parts, ws()+value(depth+1)+ws())
			}
			return "[" + strings.Join(parts, ",") + "]"
		case k == 2:
			return numbers[rng.IntN(len(numbers))]
		case k == 3:
			return []string{"true", "false", "null", "nul", "tru"}[rng.IntN(5)]
		default:
			return str()
		}
	}
	parsed := 0
	for range 5000 {
		doc := ws() + "{" + ws() + `"k":` + value(0) + "," + str() + ":" + value(0) + "}" + ws()
		if rng.IntN(10) == 0 {
			doc = doc[:rng.IntN(len(doc))] // truncated
		}
		if _, ok := parseObject([]byte(doc)); ok {
			parsed++
		}
		got, err := decodeObject([]byte(doc))
		want, wantErr := decodeObjectStd([]byte(doc))
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeObject(%q) = %#v, %v; through encoding/json alone %#v, %v", doc, got, err, want, wantErr)
		}
	}
	if parsed < 300 {
		t.Fatalf("the direct parse took on %d of 5000 documents; the test means to exercise it", parsed)
	}
	for _, doc := range []string{"null", " null ", "{}", `{"a":[]}`, `{"a":{}}`} {
		if _, ok := parseObject([]byte(doc)); !ok {
			t.Errorf("parseObject(%q) left it to encoding/json; it should take it", doc)
		}
	}
}

// BenchmarkDecodeObject compares the direct parse with encoding/json's on a Go sleep call's response.
func BenchmarkDecodeObject(b *testing.B) {
	body := []byte(`{"begin":1764645000.123456,"end":1764645000.123462,"is_cold":false,"request_id":"9d2a3c4e-1b5f-4a6d-8e7f-0a1b2c3d4e5f","container_id":"4f1c2d9a7b3e","handler_ns":6123,"result":{"output":{"result":0}}}`)
	for _, impl := range []struct {
		name   string
		decode func([]byte) (map[string]any, error)
	}{{"direct", decodeObject}, {"encoding-json", decodeObjectStd}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.decode(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
