package sebs

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// appendJSONString appends str as a JSON string as encoding/json writes it: printable ASCII other than the
// characters it escapes goes as it is; any other string goes through json.Marshal.
func appendJSONString(b []byte, str string) []byte {
	for i := 0; i < len(str); i++ {
		if !plainJSONByte[str[i]] {
			quoted, _ := json.Marshal(str) // a string always encodes
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, str...)
	return append(b, '"')
}

// plainJSONByte says which bytes encoding/json writes in a string as they are: printable ASCII but the
// quote, the backslash and the three it escapes for HTML. A table lookup a byte, where a chain of
// comparisons cost a fifth of encoding a result (issue 16).
var plainJSONByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendJSONFloat appends a finite f as encoding/json writes a float64: the shortest decimal that reads back
// as f, in exponent form only below 1e-6 or from 1e21, with a two-digit negative exponent shortened.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// plainTime reports whether t is a time that time.Time.MarshalJSON writes as RFC3339Nano does: a year
// in 0–9999 and a zone offset of whole minutes under 24 hours (MarshalJSON refuses larger ones).
func plainTime(t time.Time) bool {
	_, offset := t.Zone()
	return t.Year() >= 0 && t.Year() <= 9999 && offset%60 == 0 && -86400 < offset && offset < 86400
}

// nonFinite returns a value of m that is not a finite number, with its key, if there is one.
func nonFinite(m map[string]float64) (string, float64, bool) {
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return k, v, true
		}
	}
	return "", 0, false
}

// appendJSONValue appends v as json.Marshal writes it. The types a decoded response holds (objects,
// arrays, strings, json.Number, booleans, null) are written here; anything else, and anything nested deeper
// than maxAppendDepth (a value built by hand may even hold itself), goes through json.Marshal.
func appendJSONValue(b []byte, v any) ([]byte, error) { return appendJSONDepth(b, v, 0) }

// maxAppendDepth is the nesting appendJSONValue writes itself.
const maxAppendDepth = 200

func appendJSONDepth(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxAppendDepth {
		data, err := json.Marshal(v) // its cycle check, or its bytes
		return append(b, data...), err
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case json.Number:
		if v == "" {
			return append(b, '0'), nil
		}
		if !validJSONNumber(string(v)) {
			break // json.Marshal's error
		}
		return append(b, v...), nil
	case map[string]any:
		return appendJSONObjectDepth(b, v, depth)
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONDepth(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	data, err := json.Marshal(v)
	return append(b, data...), err
}

// member is an object's member: a key and its value.
type member[V any] struct {
	key   string
	value V
}

// sortedMembers appends m's members to dst in json.Marshal's order (keys sorted bytewise) and returns
// them. The values are taken with their keys: looking each key up again after sorting the keys alone cost
// a tenth of encoding a result (issue 16).
func sortedMembers[V any](dst []member[V], m map[string]V) []member[V] {
	for k, v := range m {
		dst = append(dst, member[V]{k, v})
	}
	slices.SortFunc(dst, func(x, y member[V]) int { return strings.Compare(x.key, y.key) })
	return dst
}

// appendJSONObjectDepth appends m, at nesting depth, with its keys in json.Marshal's order.
func appendJSONObjectDepth(b []byte, m map[string]any, depth int) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var small [16]member[any]
	b = append(b, '{')
	for i, mb := range sortedMembers(small[:0], m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, mb.key)
		b = append(b, ':')
		var err error
		if b, err = appendJSONDepth(b, mb.value, depth+1); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// validJSONNumber reports whether s is a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validJSONNumber(s string) bool {
	digits := func(i int) int { // the index after the digits from i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i + 1)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// appendJSONFloatPtr appends *f, or null for nil; ok is false for a number JSON cannot hold.
func appendJSONFloatPtr(b []byte, f *float64) (_ []byte, ok bool) {
	if f == nil {
		return append(b, "null"...), true
	}
	if math.IsNaN(*f) || math.IsInf(*f, 0) {
		return b, false
	}
	return appendJSONFloat(b, *f), true
}
