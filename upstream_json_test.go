package sebs_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

// upstreamByDecoding is what AppendUpstreamJSON must match: src decoded into interface values (numbers as
// json.Number) and encoded as MarshalUpstream did before it, with prefix on every line after the first. It
// is the test's own oracle, written apart from the package's fallback on purpose: a fallback that went wrong
// must not be compared with itself.
func upstreamByDecoding(src []byte, prefix string) ([]byte, error) {
	if !json.Valid(src) {
		return nil, errInvalid
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

var errInvalid = jsonError("not one valid JSON value")

type jsonError string

func (e jsonError) Error() string { return string(e) }

// upstreamJSONCases are documents whose rewriting differs from a plain indent: keys out of order or
// repeated, HTML characters, escapes, non-ASCII, invalid UTF-8, U+2028, numbers in every form, nesting.
var upstreamJSONCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-1.5e-7`, `1E+400`, `"x"`, ` {"a" : 1 } `,
	`{"b":1,"a":2}`, `{"a":1,"a":2}`, `{"b":{"d":[],"c":{}},"a":[1,{"z":null,"y":true}],"a":"last"}`,
	`{"html":"<a href=\"x\">&amp;</a>","esc":"\u003c\u003e\u0026","ctl":"\b\f\n\r\t\u0001\u001f\u007f"}`,
	`{"é":"ü","\u00e9":"dup of é","slash":"\/","bs":"\\","2028":"\u2028\u2029","lone":"\ud800x"}`,
	"{\"raw\":\"\xff\xfe bad utf-8\",\"a\\\"b\":1,\"a#\":2,\"a\":3}",
	`[[[[[[1]]]]],{"k":[{"k":[{}]}]}]`,
	// Keys out of order at every level, deeper than AppendUpstreamJSON moves members itself.
	strings.Repeat(`{"b":1,"a":`, 40) + `{"z":[{"y":0,"x":1}]}` + strings.Repeat(`}`, 40),
	`{"output":{"begin":1764645000.123456,"result":{"output":{"result":0}}},"detail":{"timestamp_source":"kernel","connection_reused":true,"address":"bridge"}}`,
}

func TestAppendUpstreamJSONMatchesDecoding(t *testing.T) {
	for _, src := range upstreamJSONCases {
		for _, depth := range []int{0, 3} {
			want, err := upstreamByDecoding([]byte(src), strings.Repeat("  ", depth))
			if err != nil {
				t.Fatalf("reference on %q: %v", src, err)
			}
			got, err := sebs.AppendUpstreamJSON([]byte("kept:"), []byte(src), depth)
			if err != nil {
				t.Fatalf("AppendUpstreamJSON(%q): %v", src, err)
			}
			if !bytes.Equal(got, append([]byte("kept:"), want...)) {
				t.Errorf("AppendUpstreamJSON(%.200q, depth %d):\n got %.300s\nwant kept:%.300s", src, depth, got, want)
			}
		}
	}
}

// TestAppendUpstreamJSONDocumentDepth: a value that would nest the document it is written into deeper than
// encoding/json reads (10,000 levels) is refused, counting the depth it is written at, on both of
// AppendUpstreamJSON's paths: keys in order, and keys out of order deep down (decoded and encoded).
func TestAppendUpstreamJSONDocumentDepth(t *testing.T) {
	arrays := func(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }
	for name, src := range map[string]string{
		"in order":     arrays(100),
		"out of order": strings.Repeat(`{"b":1,"a":`, 20) + arrays(80) + strings.Repeat("}", 20),
	} {
		if _, err := sebs.AppendUpstreamJSON(nil, []byte(src), 9900); err != nil {
			t.Errorf("%s: 100 levels at depth 9,900 refused: %v", name, err)
		}
		if _, err := sebs.AppendUpstreamJSON(nil, []byte(src), 9901); err == nil {
			t.Errorf("%s: 100 levels at depth 9,901 accepted; the document would pass 10,000", name)
		}
	}
}

func TestAppendUpstreamJSONRefusesInvalid(t *testing.T) {
	for _, src := range []string{``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{a:1}`, `tru`,
		`nul`, `01`, `1.`, `-`, `1e`, `"unterminated`, "\"ctl\x01\"", `"\x"`, `{} {}`, `[1]]`, `{"a":1}x`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		got, err := sebs.AppendUpstreamJSON([]byte("kept"), []byte(src), 0)
		if err == nil {
			t.Errorf("AppendUpstreamJSON(%.40q) = %q, want an error", src, got)
			continue
		}
		if string(got) != "kept" {
			t.Errorf("AppendUpstreamJSON(%.40q) on error returned %q, want dst as given", src, got)
		}
		if !strings.Contains(err.Error(), "rewrite JSON") {
			t.Errorf("AppendUpstreamJSON(%.40q) error %q does not say what failed", src, err)
		}
	}
}

// FuzzAppendUpstreamJSON checks AppendUpstreamJSON against decoding and encoding again, on any input: the
// same bytes for a valid document, an error for an invalid one.
func FuzzAppendUpstreamJSON(f *testing.F) {
	for _, src := range upstreamJSONCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		want, wantErr := upstreamByDecoding(src, "") // at depth 0, encoding/json's own limit is the document's
		got, err := sebs.AppendUpstreamJSON(nil, src, 0)
		if (err != nil) != (wantErr != nil) || !json.Valid(src) != (err != nil) {
			t.Fatalf("AppendUpstreamJSON(%q) error %v; decoding's %v; json.Valid %v", src, err, wantErr, json.Valid(src))
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("AppendUpstreamJSON(%q):\n got %s\nwant %s", src, got, want)
		}
	})
}
