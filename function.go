package sebs

import (
	"encoding/json"
	"fmt"
	"time"
)

// DefaultTimeout is the timeout of a function whose configured Timeout is 0:
// what [FunctionConfig.TimeoutDuration] returns, and so what the HTTP
// trigger of a Function or LocalFunction read or started with such a config
// waits at most per call.
const DefaultTimeout = 60 * time.Second

// FunctionConfig is the resource configuration of a function: its timeout in
// seconds, its memory in MB, its runtime and its architecture.
//
// Its JSON is upstream's: {"architecture", "memory", "runtime", "timeout"}.
// A missing architecture reads as x64, upstream's default.
type FunctionConfig struct {
	// Timeout bounds each call, in seconds; 0 (or less) means
	// DefaultTimeout, never "no timeout".
	Timeout      int          `json:"timeout"`
	Memory       int          `json:"memory"` // MB
	Runtime      Runtime      `json:"runtime"`
	Architecture Architecture `json:"architecture"`
}

// TimeoutDuration returns the configured timeout as a time.Duration:
// Timeout seconds, or DefaultTimeout when Timeout is 0 or negative. It is
// never 0.
func (c FunctionConfig) TimeoutDuration() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return time.Duration(c.Timeout) * time.Second
}

type functionConfigJSON FunctionConfig

// MarshalJSON writes the configuration in upstream's shape.
func (c FunctionConfig) MarshalJSON() ([]byte, error) {
	if c.Architecture == "" {
		c.Architecture = ArchX64
	}
	return json.Marshal(functionConfigJSON(c))
}

// UnmarshalJSON reads the configuration in upstream's shape.
func (c *FunctionConfig) UnmarshalJSON(data []byte) error {
	var v functionConfigJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode function config: %w", err)
	}
	if v.Architecture == "" {
		v.Architecture = ArchX64
	}
	*c = FunctionConfig(v)
	return nil
}

// Function is a deployed function: its name, the benchmark it implements, the
// hash of its code package, its configuration, and the triggers that invoke
// it, grouped by type.
//
// Its JSON is upstream's: {"name", "hash", "benchmark", "config",
// "triggers": [...]}. UpdatedCode is not written, as upstream does not write
// it. Reading restores the triggers with [UnmarshalTrigger]; an HTTP trigger
// restored this way gets the function's configured timeout.
//
// A Function is a value: copies have independent trigger lists (the triggers
// themselves are shared). It is not safe for concurrent modification.
type Function struct {
	Name        string
	Benchmark   string
	Hash        string // hash of the code package
	Config      FunctionConfig
	UpdatedCode bool // the code changed since deployment

	triggers []Trigger // in insertion order
}

// AddTrigger adds t to the function's triggers. A nil trigger is ignored.
func (f *Function) AddTrigger(t Trigger) {
	if t == nil {
		return
	}
	// The full slice expression makes append copy, so copies of f never share
	// a backing array.
	f.triggers = append(f.triggers[:len(f.triggers):len(f.triggers)], t)
}

// Triggers returns the function's triggers of type typ, in the order they were
// added, or nil if there are none.
func (f *Function) Triggers(typ TriggerType) []Trigger {
	var out []Trigger
	for _, t := range f.triggers {
		if t.Type() == typ {
			out = append(out, t)
		}
	}
	return out
}

// AllTriggers returns all the function's triggers grouped by type, the types
// in the order their first trigger was added (as upstream lists them).
func (f *Function) AllTriggers() []Trigger {
	if len(f.triggers) == 0 {
		return nil
	}
	out := make([]Trigger, 0, len(f.triggers))
	var seen []TriggerType
	for _, t := range f.triggers {
		typ := t.Type()
		if containsType(seen, typ) {
			continue
		}
		seen = append(seen, typ)
		out = append(out, f.Triggers(typ)...)
	}
	return out
}

func containsType(types []TriggerType, typ TriggerType) bool {
	for _, t := range types {
		if t == typ {
			return true
		}
	}
	return false
}

// functionJSON is the upstream shape of a Function.
type functionJSON struct {
	Benchmark string            `json:"benchmark"`
	Config    FunctionConfig    `json:"config"`
	Hash      string            `json:"hash"`
	Name      string            `json:"name"`
	Triggers  []json.RawMessage `json:"triggers"`
}

func (f *Function) toJSON() (functionJSON, error) {
	v := functionJSON{
		Benchmark: f.Benchmark,
		Config:    f.Config,
		Hash:      f.Hash,
		Name:      f.Name,
		Triggers:  []json.RawMessage{},
	}
	for i, t := range f.AllTriggers() {
		b, err := t.MarshalJSON()
		if err != nil {
			return v, fmt.Errorf("sebs: encode trigger %d of function %q: %w", i, f.Name, err)
		}
		v.Triggers = append(v.Triggers, b)
	}
	return v, nil
}

// MarshalJSON writes the function in upstream's shape.
func (f Function) MarshalJSON() ([]byte, error) {
	v, err := f.toJSON()
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (f *Function) fromJSON(v functionJSON) error {
	*f = Function{Name: v.Name, Benchmark: v.Benchmark, Hash: v.Hash, Config: v.Config}
	for i, raw := range v.Triggers {
		t, err := UnmarshalTrigger(raw)
		if err != nil {
			return fmt.Errorf("sebs: function %q, trigger %d: %w", v.Name, i, err)
		}
		if h, ok := t.(*HTTPTrigger); ok && h.Timeout == 0 {
			h.Timeout = f.Config.TimeoutDuration()
		}
		f.AddTrigger(t)
	}
	return nil
}

// UnmarshalJSON reads the function in upstream's shape and restores its
// triggers. A trigger of a type this package cannot invoke is an error.
func (f *Function) UnmarshalJSON(data []byte) error {
	var v functionJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode function: %w", err)
	}
	return f.fromJSON(v)
}
