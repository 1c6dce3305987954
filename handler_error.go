package sebs

import (
	"fmt"
	"strings"
)

// HandlerError is a function's own failure, as its runtime reported it: the
// handler returned an error or panicked (or, on Lambda, raised an exception).
// An [*InvocationError] of kind [ErrInvocationFailed] carries it, so
//
//	var he *sebs.HandlerError
//	if errors.As(err, &he) { t.Log(he.Message, he.Stack) }
//
// reads the handler's own words instead of an escaped response body.
type HandlerError struct {
	// Status is the HTTP status the function answered with (500 for our
	// runtimes).
	Status int
	// Message is the handler's error message.
	Message string
	// Type is the error's type as the runtime names it: a Go type such as
	// "*errors.errorString", a Python class such as "ValueError", "panic" for
	// a Go panic; empty when the runtime does not say.
	Type string
	// Stack is the runtime's stack trace or traceback, when it gives one.
	Stack string
	// Panic says the handler panicked (Go) rather than returning an error.
	Panic bool
}

// Error is the handler's message, with its type when known.
func (e *HandlerError) Error() string {
	var b strings.Builder
	b.WriteString("handler ")
	if e.Panic {
		b.WriteString("panicked")
	} else {
		b.WriteString("failed")
	}
	if e.Type != "" && e.Type != "panic" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}
