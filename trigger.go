package sebs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// TriggerType is the mechanism by which a function is invoked.
type TriggerType string

// The trigger types upstream SeBS knows. The local platform, and this package,
// can invoke HTTP triggers only.
const (
	TriggerHTTP    TriggerType = "http"
	TriggerLibrary TriggerType = "library"
	TriggerStorage TriggerType = "storage"
)

// ParseTriggerType returns the TriggerType named s, ignoring case and
// surrounding space, so both upstream's serialized "HTTP" and its CLI's
// "http" are accepted. An unknown name gives an error that lists the known
// ones.
func ParseTriggerType(s string) (TriggerType, error) {
	name := strings.TrimSpace(s)
	for _, t := range [...]TriggerType{TriggerHTTP, TriggerLibrary, TriggerStorage} {
		if strings.EqualFold(name, string(t)) {
			return t, nil
		}
	}
	return "", fmt.Errorf("sebs: unknown trigger type %q: use http, library or storage", s)
}

// Trigger invokes a function and measures the invocation.
//
// Invoke blocks until the invocation completes, fails, or ctx is done.
// InvokeAsync starts the same invocation and returns at once; the channel
// receives exactly one Outcome and is then closed. MarshalJSON writes the
// trigger in upstream's shape, which [UnmarshalTrigger] reads back.
type Trigger interface {
	Type() TriggerType
	Invoke(ctx context.Context, payload any) (*ExecutionResult, error)
	InvokeAsync(ctx context.Context, payload any) <-chan Outcome
	json.Marshaler
}

// Outcome is the result of an asynchronous invocation: what Invoke would
// have returned.
type Outcome struct {
	Result *ExecutionResult
	Err    error
}

// invokeAsync runs invoke in one goroutine that ends when the invocation
// does; the buffered channel means it never blocks on a receiver that went
// away, so nothing leaks.
func invokeAsync(ctx context.Context, payload any, invoke func(context.Context, any) (*ExecutionResult, error)) <-chan Outcome {
	ch := make(chan Outcome, 1)
	go func() {
		defer close(ch)
		r, err := invoke(ctx, payload)
		ch <- Outcome{Result: r, Err: err}
	}()
	return ch
}

// UnmarshalTrigger reads a trigger serialized in upstream's shape,
// {"type": "HTTP", ...}, choosing the implementation from "type" (case
// insensitive). Only HTTP triggers can be restored; other types give an
// error naming the type.
func UnmarshalTrigger(data []byte) (Trigger, error) {
	var head struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("sebs: decode trigger: %w", err)
	}
	if head.Type == nil {
		return nil, fmt.Errorf("sebs: decode trigger: no \"type\" key in %s", excerpt(data))
	}
	typ, err := ParseTriggerType(*head.Type)
	if err != nil {
		return nil, fmt.Errorf("sebs: decode trigger: %w", err)
	}
	switch typ {
	case TriggerHTTP:
		t := new(HTTPTrigger)
		if err := t.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		return t, nil
	case TriggerLibrary:
		t := new(LambdaTrigger)
		if err := t.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		return t, nil
	default:
		return nil, fmt.Errorf("sebs: decode trigger: type %q is not supported on the local platform: only HTTP and Library (Lambda emulator) triggers can be invoked", *head.Type)
	}
}
