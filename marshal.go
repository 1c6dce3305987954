package sebs

import (
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
	out, err := AppendUpstreamJSON(make([]byte, 0, len(raw)+len(raw)/2), raw, 0)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
