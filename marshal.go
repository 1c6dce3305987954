package sebs

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalUpstream encodes v the way upstream SeBS writes its JSON files
// (sebs.utils.serialize): object keys sorted at every level, two-space
// indent, and a trailing newline. Numbers keep the text v's encoding gave
// them; HTML characters are not escaped.
func MarshalUpstream(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sebs: encode: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("sebs: re-read encoded JSON: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		return nil, fmt.Errorf("sebs: encode: %w", err)
	}
	return buf.Bytes(), nil
}
