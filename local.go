package sebs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// Container is the running instance a LocalFunction is served from, for
// example a Docker container. Stop stops and removes it.
type Container interface {
	ID() string
	Stop(ctx context.Context) error
}

// LocalFunction is a function deployed on this machine: a [Function] plus the
// container serving it and the address it is reached at.
//
// Its JSON is upstream's LocalFunction: the Function's keys plus
// "instance_id", "url" and "port". Reading it back leaves Container nil; the
// code that manages containers re-attaches it.
type LocalFunction struct {
	Function
	// InstanceID is the container's ID.
	InstanceID string
	// URL is the address the function is invoked at, "host:port" without a
	// scheme, e.g. "127.0.0.1:32768".
	URL string
	// Port is the port the function listens on.
	Port int
	// Container serves the function; nil when unknown.
	Container Container

	trigger *HTTPTrigger

	stopMu  sync.Mutex
	stopped bool
	stopErr error
}

// NewLocalFunction returns fn served by c at url, with an HTTP trigger for
// url added to its triggers; the trigger's Timeout is fn's configured
// timeout. InstanceID is c's ID when c is not nil.
func NewLocalFunction(fn Function, c Container, url string, port int) *LocalFunction {
	lf := &LocalFunction{Function: fn, URL: url, Port: port, Container: c}
	if c != nil {
		lf.InstanceID = c.ID()
	}
	lf.trigger = NewHTTPTrigger(url)
	lf.trigger.Timeout = fn.Config.TimeoutDuration()
	lf.AddTrigger(lf.trigger)
	return lf
}

// HTTPTrigger returns the trigger that invokes the function at URL.
func (lf *LocalFunction) HTTPTrigger() *HTTPTrigger {
	lf.stopMu.Lock()
	defer lf.stopMu.Unlock()
	if lf.trigger == nil {
		lf.trigger = lf.findOrMakeTrigger()
	}
	return lf.trigger
}

// findOrMakeTrigger returns the function's HTTP trigger for URL, or a new
// one that is not added to the function's triggers (so the JSON read is the
// JSON written).
func (lf *LocalFunction) findOrMakeTrigger() *HTTPTrigger {
	for _, t := range lf.Triggers(TriggerHTTP) {
		if h, ok := t.(*HTTPTrigger); ok && h.URL == lf.URL {
			return h
		}
	}
	t := NewHTTPTrigger(lf.URL)
	t.Timeout = lf.Config.TimeoutDuration()
	return t
}

// MoveTo points the function at the container that now serves it, after a cold start replaced or
// restarted the old one: InstanceID, URL ("host:port") and Port change, and the HTTP trigger calls the new
// URL, its idle connections to the old one closed. It must not run concurrently with Invoke.
func (lf *LocalFunction) MoveTo(instanceID, url string, port int) {
	lf.stopMu.Lock()
	defer lf.stopMu.Unlock()
	if lf.trigger == nil {
		lf.trigger = lf.findOrMakeTrigger()
	}
	lf.InstanceID, lf.URL, lf.Port = instanceID, url, port
	lf.trigger.Close()
	lf.trigger.URL = url
}

// Invoke invokes the function through its HTTP trigger; see
// [HTTPTrigger.Invoke].
func (lf *LocalFunction) Invoke(ctx context.Context, payload any) (*ExecutionResult, error) {
	return lf.HTTPTrigger().Invoke(ctx, payload)
}

// Stop stops the container (once, however often and from however many
// goroutines Stop is called) and closes the trigger's idle connections. Every
// call returns the first call's result.
func (lf *LocalFunction) Stop(ctx context.Context) error {
	lf.stopMu.Lock()
	defer lf.stopMu.Unlock()
	if lf.stopped {
		return lf.stopErr
	}
	lf.stopped = true
	if lf.trigger != nil {
		lf.trigger.Close()
	}
	if lf.Container != nil {
		if err := lf.Container.Stop(ctx); err != nil {
			lf.stopErr = fmt.Errorf("sebs: stop container %s of function %q: %w", lf.InstanceID, lf.Name, err)
		}
	}
	return lf.stopErr
}

type localFunctionJSON struct {
	functionJSON
	InstanceID string `json:"instance_id"`
	Port       int    `json:"port"`
	URL        string `json:"url"`
}

// MarshalJSON writes upstream's shape: the Function's keys plus
// instance_id, url and port.
func (lf *LocalFunction) MarshalJSON() ([]byte, error) {
	fj, err := lf.toJSON()
	if err != nil {
		return nil, err
	}
	return json.Marshal(localFunctionJSON{functionJSON: fj, InstanceID: lf.InstanceID, Port: lf.Port, URL: lf.URL})
}

// UnmarshalJSON reads upstream's shape. Container stays nil.
func (lf *LocalFunction) UnmarshalJSON(data []byte) error {
	var v localFunctionJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode local function: %w", err)
	}
	var fn Function
	if err := fn.fromJSON(v.functionJSON); err != nil {
		return err
	}
	lf.stopMu.Lock()
	defer lf.stopMu.Unlock()
	lf.Function = fn
	lf.InstanceID, lf.URL, lf.Port = v.InstanceID, v.URL, v.Port
	lf.Container = nil
	lf.stopped, lf.stopErr = false, nil
	lf.trigger = lf.findOrMakeTrigger()
	return nil
}
