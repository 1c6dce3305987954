package sebs

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeObject decodes a JSON object as json.Unmarshal does into a
// map[string]any, except that every number is a json.Number holding the
// number's text, so integers above 2^53 (and any float's digits) survive a
// round trip exactly. A JSON null gives a nil map.
//
// It does not use json.Decoder.UseNumber, whose internal buffer would copy
// (and double) a large response body; instead it decodes with json.Unmarshal
// and then walks the validated text once, replacing each float64 by the
// literal at the same place.
//
// Most bodies take a direct parse (objectParser) that builds the same value
// without reflection; anything it does not take on (an error, an escape in a
// string, a number beyond float64's range, deep nesting) goes the way
// described above, so errors and edge cases are encoding/json's own.
func decodeObject(data []byte) (map[string]any, error) {
	if m, ok := parseObject(data); ok {
		return m, nil
	}
	return decodeObjectStd(data)
}

// decodeObjectStd is decodeObject through json.Unmarshal and the number walk.
func decodeObjectStd(data []byte) (map[string]any, error) {
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	if out != nil {
		w := numberWalker{data: data}
		w.space()
		w.value(out)
	}
	return out, nil
}

// numberWalker walks JSON text that json.Unmarshal has accepted alongside the
// value it decoded. With duplicate keys, json.Unmarshal keeps the last
// value; the walk visits the occurrences in order, so the last one also
// writes last, and earlier ones never change the decoded structure.
type numberWalker struct {
	data []byte
	i    int
}

func (w *numberWalker) space() { w.i = skipSpace(w.data, w.i) }

// skipSpace returns the index of the first byte from i on that is not JSON whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value walks the value at the cursor, node being what json.Unmarshal
// decoded there (nil when unknown), and returns node with a number replaced
// by its json.Number.
func (w *numberWalker) value(node any) any {
	switch w.data[w.i] {
	case '{':
		m, _ := node.(map[string]any)
		w.object(m)
	case '[':
		a, _ := node.([]any)
		w.array(a)
	case '"':
		w.str()
	case 't', 'n':
		w.i += 4
	case 'f':
		w.i += 5
	default:
		start := w.i
		for w.i < len(w.data) && isNumberByte(w.data[w.i]) {
			w.i++
		}
		switch node.(type) {
		case float64, json.Number:
			return json.Number(w.data[start:w.i])
		}
	}
	return node
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (w *numberWalker) object(m map[string]any) {
	w.i++ // {
	w.space()
	if w.data[w.i] == '}' {
		w.i++
		return
	}
	for {
		key := w.key()
		w.space()
		w.i++ // :
		w.space()
		if v, ok := m[key]; ok {
			m[key] = w.value(v)
		} else {
			w.value(nil)
		}
		w.space()
		if w.data[w.i] == '}' {
			w.i++
			return
		}
		w.i++ // ,
		w.space()
	}
}

func (w *numberWalker) array(a []any) {
	w.i++ // [
	w.space()
	if w.data[w.i] == ']' {
		w.i++
		return
	}
	for n := 0; ; n++ {
		if n < len(a) {
			a[n] = w.value(a[n])
		} else {
			w.value(nil)
		}
		w.space()
		if w.data[w.i] == ']' {
			w.i++
			return
		}
		w.i++ // ,
		w.space()
	}
}

// str skips the string at the cursor and returns its raw text, quotes
// included.
func (w *numberWalker) str() []byte {
	start := w.i
	w.i++
	for w.data[w.i] != '"' {
		if w.data[w.i] == '\\' {
			w.i++
		}
		w.i++
	}
	w.i++
	return w.data[start:w.i]
}

// key returns an object key as json.Unmarshal spells it in the map.
func (w *numberWalker) key() string {
	raw := w.str()
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	_ = json.Unmarshal(raw, &s) // valid: json.Unmarshal accepted the document
	return s
}
