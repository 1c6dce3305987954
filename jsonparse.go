package sebs

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// parseObject parses a JSON object (or null) into the value decodeObjectStd gives for it: maps, slices,
// strings, booleans, nil and json.Number, built directly. Under load, decoding every response through
// encoding/json's reflection was a tenth of a call's CPU (issue 16). It returns ok=false for anything it
// leaves to decodeObjectStd: invalid JSON, a top-level value other than an object or null, a string with an
// escape or invalid UTF-8, a number float64 cannot hold (json.Unmarshal refuses it), nesting deeper than
// maxParseDepth.
func parseObject(data []byte) (m map[string]any, ok bool) {
	p := objectParser{data: data}
	p.space()
	if p.literal("null") {
		p.space()
		return nil, p.i == len(p.data)
	}
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return nil, false
	}
	v, ok := p.object()
	p.space()
	if !ok || p.i != len(p.data) {
		return nil, false
	}
	return v, true
}

// maxParseDepth is the nesting parseObject takes on; deeper documents go through encoding/json, which
// has its own limit.
const maxParseDepth = 100

// objectParser is parseObject's cursor over the document.
type objectParser struct {
	data  []byte
	i     int
	depth int
}

func (p *objectParser) space() { p.i = skipSpace(p.data, p.i) }

// literal consumes word if the document has it at the cursor.
func (p *objectParser) literal(word string) bool {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *objectParser) value() (any, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		m, ok := p.object()
		return m, ok
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, false
}

func (p *objectParser) object() (map[string]any, bool) {
	if p.depth++; p.depth > maxParseDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	p.i++ // {
	m := make(map[string]any)
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		k, ok := p.key()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.space()
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated key: the last one wins, as with json.Unmarshal
		p.space()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case '}':
			p.i++
			return m, true
		case ',':
			p.i++
			p.space()
		default:
			return nil, false
		}
	}
}

func (p *objectParser) array() (any, bool) {
	if p.depth++; p.depth > maxParseDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	p.i++               // [
	a := make([]any, 0) // never nil, as json.Unmarshal makes it
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return a, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		p.space()
		if p.i >= len(p.data) {
			return nil, false
		}
		switch p.data[p.i] {
		case ']':
			p.i++
			return a, true
		case ',':
			p.i++
			p.space()
		default:
			return nil, false
		}
	}
}

// key parses an object key as str does; the keys of the wire protocol's responses are not allocated anew
// for every response.
func (p *objectParser) key() (string, bool) {
	raw, ok := p.strBytes()
	if !ok {
		return "", false
	}
	switch string(raw) {
	case "begin":
		return "begin", true
	case "end":
		return "end", true
	case "is_cold":
		return "is_cold", true
	case "request_id":
		return "request_id", true
	case "container_id":
		return "container_id", true
	case "handler_ns":
		return "handler_ns", true
	case "result":
		return "result", true
	case "output":
		return "output", true
	case "measurement":
		return "measurement", true
	}
	return string(raw), true
}

// str parses a string without escapes whose bytes are valid UTF-8 (what json.Unmarshal would give
// unchanged).
func (p *objectParser) str() (any, bool) {
	raw, ok := p.strBytes()
	if !ok {
		return nil, false
	}
	return string(raw), true
}

// strBytes is str's text, not yet a string.
func (p *objectParser) strBytes() ([]byte, bool) {
	start := p.i + 1
	for j := start; j < len(p.data); j++ {
		switch c := p.data[j]; {
		case c == '"':
			inner := p.data[start:j]
			if !utf8.Valid(inner) {
				return nil, false
			}
			p.i = j + 1
			return inner, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// number parses a number as its json.Number text, when it is one float64 can hold.
func (p *objectParser) number() (any, bool) {
	start := p.i
	for p.i < len(p.data) && isNumberByte(p.data[p.i]) {
		p.i++
	}
	text := string(p.data[start:p.i])
	if !validJSONNumber(text) {
		return nil, false
	}
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return nil, false // out of range: json.Unmarshal's error
	}
	return json.Number(text), true
}
