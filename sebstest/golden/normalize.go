package golden

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gosebs/sebs"
)

// JSON returns what [Result] stores for got: got encoded to JSON (a json.RawMessage or []byte is taken
// as JSON text already), volatile keys masked, the [At] rewrites applied, written as upstream SeBS
// writes JSON (keys sorted, two-space indent, trailing newline).
//
// A masked value keeps its key and its JSON type: a string becomes "<key>", a number 0, a bool false,
// an array [] and an object {}; null stays null, so "unknown" and "measured" stay apart.
func JSON(got any, opts ...Option) ([]byte, error) {
	return normalise(got, newConfig(opts))
}

func normalise(got any, c *config) ([]byte, error) {
	v, err := toGeneric(got)
	if err != nil {
		return nil, err
	}
	v = mask(v, c.volatile)
	for _, r := range c.rewrites {
		v = rewriteAt(v, r.path, r.fn)
	}
	out, err := sebs.MarshalUpstream(v)
	if err != nil {
		return nil, fmt.Errorf("golden: encode the normalised value: %w", err)
	}
	return out, nil
}

// toGeneric encodes v to JSON and decodes it back into maps, slices and json.Numbers.
func toGeneric(v any) (any, error) {
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("golden: encode %T to JSON: %w", v, err)
		}
	}
	return decodeGeneric(raw)
}

// decodeGeneric decodes one JSON value, keeping numbers as json.Number, and rejects trailing data.
func decodeGeneric(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("golden: decode JSON %.80q: %w", raw, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("golden: decode JSON %.80q: more than one value", raw)
	}
	return v, nil
}

// mask replaces the values of volatile keys, at any depth, with placeholders of the same JSON type.
func mask(v any, volatile map[string]maskKind) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			kind := volatile[k]
			_, isNumber := e.(json.Number)
			_, isDetail := x["connection_reused"]
			switch {
			case kind == maskDrop && isDetail: // issue 16 (detailMachineKeys)
				delete(x, k)
			case kind == maskAny || (kind == maskNumbers && isNumber):
				x[k] = placeholder(k, e)
			default:
				x[k] = mask(e, volatile)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = mask(e, volatile)
		}
	}
	return v
}

// placeholder is the stand-in for a volatile value: same JSON type, fixed value.
func placeholder(key string, v any) any {
	switch v.(type) {
	case string:
		return "<" + key + ">"
	case json.Number:
		return json.Number("0")
	case bool:
		return false
	case []any:
		return []any{}
	case map[string]any:
		return map[string]any{}
	}
	return v // null
}

// rewriteAt applies fn to every value at path below v; "*" matches any key or array element.
func rewriteAt(v any, path []string, fn func(any) any) any {
	if len(path) == 0 {
		return fn(v)
	}
	seg, rest := path[0], path[1:]
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if seg == "*" || seg == k {
				x[k] = rewriteAt(e, rest, fn)
			}
		}
	case []any:
		if seg == "*" {
			for i, e := range x {
				x[i] = rewriteAt(e, rest, fn)
			}
		}
	}
	return v
}
