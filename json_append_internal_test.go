package sebs

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestAppendJSONStringMatchesMarshal checks the byte table against encoding/json: every byte alone, and
// each amid plain text, is written as json.Marshal writes it.
func TestAppendJSONStringMatchesMarshal(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			want, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
				t.Errorf("byte %#x in %q: got %s, want x%s", c, s, got, want)
			}
		}
	}
}

// TestAppendJSONObjectMatchesMarshal checks the members' order and values against encoding/json for
// objects larger than the array kept on the stack, with keys that sort by byte, not by rune or case.
func TestAppendJSONObjectMatchesMarshal(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 40} {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("k%02d", n-i)] = json.Number(fmt.Sprint(i))
		}
		if n > 0 {
			m["Z"], m["a<"], m["é"], m["_"] = true, "v&", nil, map[string]any{"b": 1.5, "a": []any{"x"}}
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSONObjectDepth(nil, m, 0)
		if err != nil || string(got) != string(want) {
			t.Errorf("%d keys: got %s, %v; want %s", n, got, err, want)
		}
	}
}
