package sebs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// AppendUpstreamJSON appends src, one JSON value, as [MarshalUpstream] writes it at nesting depth of a
// document (0 for a whole document), and returns the extended buffer: object keys sorted at every level (of
// a key given twice, the last value), a two-space indent (every line after the first indented by depth
// levels more), strings without HTML escapes, numbers as their text, and no trailing newline. The bytes are
// those of decoding src into interface values (numbers as json.Number) and encoding them again as
// MarshalUpstream does, without building the values: a writer that keeps results as JSON (a Recorder, or a
// file being merged) writes them into a larger document at their place, at a fraction of the cost. An src
// that is not one valid JSON value is an error (saying at which byte, where it can), as is one that would
// nest the document deeper than encoding/json reads (10,000 levels, depth included); dst is then returned
// as given.
func AppendUpstreamJSON(dst, src []byte, depth int) ([]byte, error) {
	w := upstreamWriter{src: src, out: dst, base: max(depth, 0)}
	i, err := w.value(w.space(0), 0)
	if err == nil && w.space(i) < len(src) {
		err = fmt.Errorf("data after the value at byte %d", w.space(i))
	}
	if errors.Is(err, errUpstreamDeepSort) {
		var out []byte
		if out, err = upstreamByDecoding(src, w.base); err == nil {
			return append(dst, out...), nil
		}
	}
	if err != nil {
		return dst, fmt.Errorf("sebs: rewrite JSON as upstream writes it: %w", err)
	}
	return w.out, nil
}

// maxUpstreamDepth is the nesting AppendUpstreamJSON accepts, encoding/json's decoder's limit.
const maxUpstreamDepth = 10000

// maxUpstreamSortDepth is the deepest level at which AppendUpstreamJSON moves an object's members into order
// in the bytes it wrote. Each move copies the object's output once more, so keys out of order at every
// level of deep input would cost the cube of its depth; below this level the value is decoded and encoded
// instead, as encoding/json does, in time linear in its output.
const maxUpstreamSortDepth = 16

// errUpstreamDeepSort stops the direct rewrite of a value with an object out of order below
// maxUpstreamSortDepth.
var errUpstreamDeepSort = errors.New("object out of order deep in the value")

// upstreamByDecoding is AppendUpstreamJSON by encoding/json: src decoded into interface values and encoded
// again, at nesting base of the document.
func upstreamByDecoding(src []byte, base int) ([]byte, error) {
	if !json.Valid(src) {
		return nil, errors.New("not one valid JSON value")
	}
	if base+nesting(src) > maxUpstreamDepth { // json.Valid has refused src itself deeper than that
		return nil, fmt.Errorf("nested deeper than %d levels in the document", maxUpstreamDepth)
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
	enc.SetIndent(strings.Repeat("  ", base), "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// nesting returns the deepest nesting of arrays and objects in the valid JSON src.
func nesting(src []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// upstreamWriter rewrites src into out in one pass: each object's members are written in the order given
// and, when their keys were not sorted and distinct (values encoding/json wrote always are), moved into
// order afterwards.
type upstreamWriter struct {
	src     []byte
	out     []byte
	base    int                // the nesting of src's value in the document
	members [][]upstreamMember // a scratch list per nesting depth
	spare   []byte             // scratch for reordering members
}

// upstreamMember is one member of an object as written to out: out[start:end] is its line, from the
// newline before it to the end of its value; key is its decoded name.
type upstreamMember struct {
	key        []byte
	start, end int
}

var errUpstreamEnd = errors.New("unexpected end of JSON")

func (w *upstreamWriter) space(i int) int {
	for i < len(w.src) {
		switch w.src[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// newline writes a line break and the indentation of depth in src's value.
func (w *upstreamWriter) newline(depth int) {
	w.out = append(w.out, '\n')
	for range w.base + depth {
		w.out = append(w.out, "  "...)
	}
}

// next reads what follows an element of an array or a member of an object (what names it) from src[i]: a
// comma, which it writes, or the closing byte, which it does not (done). It returns the index after either.
func (w *upstreamWriter) next(i int, closing byte, what string) (_ int, done bool, _ error) {
	if i = w.space(i); i >= len(w.src) {
		return i, false, errUpstreamEnd
	}
	switch w.src[i] {
	case ',':
		w.out = append(w.out, ',')
		return w.space(i + 1), false, nil
	case closing:
		return i + 1, true, nil
	}
	return i, false, fmt.Errorf("invalid character %q after %s at byte %d", w.src[i], what, i)
}

// value writes the value at src[i] and returns the index after it.
func (w *upstreamWriter) value(i, depth int) (int, error) {
	if i >= len(w.src) {
		return i, errUpstreamEnd
	}
	switch c := w.src[i]; {
	case c == '{' || c == '[':
		if w.base+depth >= maxUpstreamDepth {
			return i, fmt.Errorf("nested deeper than %d at byte %d", maxUpstreamDepth, i)
		}
		if c == '{' {
			return w.object(i, depth)
		}
		return w.array(i, depth)
	case c == '"':
		end, _, err := w.str(i)
		return end, err
	case c == 't':
		return w.literal(i, "true")
	case c == 'f':
		return w.literal(i, "false")
	case c == 'n':
		return w.literal(i, "null")
	case c == '-' || c >= '0' && c <= '9':
		end := i + 1
		for end < len(w.src) && numberByte(w.src[end]) {
			end++
		}
		if !validJSONNumber(string(w.src[i:end])) {
			return i, fmt.Errorf("invalid number %q at byte %d", w.src[i:end], i)
		}
		w.out = append(w.out, w.src[i:end]...)
		return end, nil
	default:
		return i, fmt.Errorf("invalid character %q at byte %d", c, i)
	}
}

// numberByte reports whether c can be part of a JSON number.
func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (w *upstreamWriter) literal(i int, lit string) (int, error) {
	if !bytes.HasPrefix(w.src[i:], []byte(lit)) {
		return i, fmt.Errorf("invalid literal at byte %d", i)
	}
	w.out = append(w.out, lit...)
	return i + len(lit), nil
}

func (w *upstreamWriter) array(i, depth int) (int, error) {
	i = w.space(i + 1)
	if i < len(w.src) && w.src[i] == ']' {
		w.out = append(w.out, "[]"...)
		return i + 1, nil
	}
	w.out = append(w.out, '[')
	for {
		w.newline(depth + 1)
		var err error
		if i, err = w.value(i, depth+1); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = w.next(i, ']', "an array element"); err != nil {
			return i, err
		}
		if done {
			w.newline(depth)
			w.out = append(w.out, ']')
			return i, nil
		}
	}
}

func (w *upstreamWriter) object(i, depth int) (int, error) {
	i = w.space(i + 1)
	if i < len(w.src) && w.src[i] == '}' {
		w.out = append(w.out, "{}"...)
		return i + 1, nil
	}
	for len(w.members) <= depth {
		w.members = append(w.members, nil)
	}
	members := w.members[depth][:0]
	defer func() { w.members[depth] = members[:0] }()
	open := len(w.out)
	w.out = append(w.out, '{')
	for {
		if i >= len(w.src) || w.src[i] != '"' {
			return i, fmt.Errorf("object key expected at byte %d", i)
		}
		m := upstreamMember{start: len(w.out)}
		w.newline(depth + 1)
		var err error
		if i, m.key, err = w.str(i); err != nil {
			return i, err
		}
		if i = w.space(i); i >= len(w.src) || w.src[i] != ':' {
			return i, fmt.Errorf("':' expected after an object key at byte %d", i)
		}
		w.out = append(w.out, ':', ' ')
		if i, err = w.value(w.space(i+1), depth+1); err != nil {
			return i, err
		}
		m.end = len(w.out)
		members = append(members, m)
		var done bool
		if i, done, err = w.next(i, '}', "an object member"); err != nil {
			return i, err
		}
		if done {
			if !w.sortMembers(open+1, members, depth) {
				return i, errUpstreamDeepSort
			}
			w.newline(depth)
			w.out = append(w.out, '}')
			return i, nil
		}
	}
}

// sortMembers puts the members written from out[from:] in the order of their keys, keeping the last of
// equal keys, as decoding into a map and encoding it does. Members already in order are left alone; false
// means they were not, at a depth below maxUpstreamSortDepth, and were left as they were.
func (w *upstreamWriter) sortMembers(from int, members []upstreamMember, depth int) bool {
	sorted := true
	for k := 1; k < len(members) && sorted; k++ {
		sorted = bytes.Compare(members[k-1].key, members[k].key) < 0
	}
	if sorted {
		return true
	}
	if depth >= maxUpstreamSortDepth {
		return false
	}
	slices.SortStableFunc(members, func(a, b upstreamMember) int { return bytes.Compare(a.key, b.key) })
	w.spare = w.spare[:0]
	for k, m := range members {
		if k+1 < len(members) && bytes.Equal(m.key, members[k+1].key) {
			continue // a later value of the same key wins
		}
		if len(w.spare) > 0 {
			w.spare = append(w.spare, ',')
		}
		w.spare = append(w.spare, w.out[m.start:m.end]...)
	}
	w.out = append(w.out[:from], w.spare...)
	return true
}

// str writes the string at src[i] (its opening quote) as encoding/json writes the decoded string without
// HTML escapes, and returns the index after it and the decoded string (src's bytes when it has no escape).
func (w *upstreamWriter) str(i int) (int, []byte, error) {
	start := i
	plain := true // printable ASCII without escapes: written as it is
	for i++; i < len(w.src); i++ {
		switch c := w.src[i]; {
		case c == '"':
			if plain {
				w.out = append(w.out, w.src[start:i+1]...)
				return i + 1, w.src[start+1 : i], nil
			}
			var s string
			if err := json.Unmarshal(w.src[start:i+1], &s); err != nil {
				return start, nil, fmt.Errorf("invalid string at byte %d: %w", start, err)
			}
			w.out = appendStringNoHTML(w.out, s)
			return i + 1, []byte(s), nil
		case c == '\\':
			plain = false
			i++ // the escaped character, which may be a quote
		case c < 0x20:
			return start, nil, fmt.Errorf("control character in a string at byte %d", i)
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return start, nil, errUpstreamEnd
}

// appendStringNoHTML appends s, valid UTF-8, quoted as encoding/json's Encoder writes a string with
// SetEscapeHTML(false).
func appendStringNoHTML(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	from := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[from:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			from = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:]) // s is decoded JSON: valid UTF-8
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[from:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
			from = i + size
		}
		i += size
	}
	b = append(b, s[from:]...)
	return append(b, '"')
}
