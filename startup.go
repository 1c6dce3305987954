package sebs

import (
	"encoding/json"
	"fmt"
	"time"
)

// Startup is how long each phase of bringing a function's container up took: the one cold-start phases
// type, used by the Docker side (package sebstest) for every start and cold start, and written to
// samples.jsonl as {"create_ns","start_ns","ready_ns","first_byte_ns"} (integer nanoseconds).
type Startup struct {
	// Create is the container create call; zero for a restart.
	Create time.Duration
	// Start is the container start (or restart) call.
	Start time.Duration
	// Ready runs from the end of start to the function's first answer (the readiness wait).
	Ready time.Duration
	// FirstByte runs from the beginning of the cold start to the first byte of the first invocation's
	// response; zero when no invocation followed.
	FirstByte time.Duration
}

// Total is the time from the start of create to the function's first answer: Create + Start + Ready.
func (s Startup) Total() time.Duration { return s.Create + s.Start + s.Ready }

// startupJSON is Startup's wire shape in samples.jsonl.
type startupJSON struct {
	CreateNS    int64 `json:"create_ns"`
	StartNS     int64 `json:"start_ns"`
	ReadyNS     int64 `json:"ready_ns"`
	FirstByteNS int64 `json:"first_byte_ns"`
}

// MarshalJSON writes the phases as integer nanoseconds: {"create_ns","start_ns","ready_ns","first_byte_ns"}.
func (s Startup) MarshalJSON() ([]byte, error) {
	return json.Marshal(startupJSON{int64(s.Create), int64(s.Start), int64(s.Ready), int64(s.FirstByte)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Startup) UnmarshalJSON(data []byte) error {
	var v startupJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode cold start phases: %w", err)
	}
	*s = Startup{time.Duration(v.CreateNS), time.Duration(v.StartNS), time.Duration(v.ReadyNS), time.Duration(v.FirstByteNS)}
	return nil
}
