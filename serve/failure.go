package serve

import (
	"bytes"
	"errors"
	"fmt"
)

// maxStackBytes bounds the stack trace a panic's 500 answer carries: the frames nearest the panic come first,
// so the head is what a reader needs.
const maxStackBytes = 8 << 10

// panicError is a recovered handler panic with the goroutine's stack at the point of the panic.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprint(e.value) }

// wrapped is an error of ours around a cause whose type the 500 answer reports.
type wrapped struct {
	error
	cause error
}

func (w *wrapped) Unwrap() error { return w.cause }

// handlerFailure is the 500 answer for err, which the handler returned or which panicError wraps: the
// message, the error's Go type ("panic" for a panic), the stack (empty for a returned error) and whether it
// was a panic.
func handlerFailure(err error) failure {
	f := failure{Error: err.Error(), ErrorType: fmt.Sprintf("%T", err), Stack: new(string), Panic: new(bool)}
	if pe, ok := errors.AsType[*panicError](err); ok {
		f.ErrorType, *f.Stack, *f.Panic = "panic", pe.stack, true
	} else if w, ok := err.(*wrapped); ok {
		f.ErrorType = fmt.Sprintf("%T", w.cause)
	}
	return f
}

// trimStack drops the frames of the recovery itself (debug.Stack, the deferred function, runtime.panic)
// from a debug.Stack() trace, so that it starts with the goroutine line and then the frame that panicked,
// and bounds it to maxStackBytes at a line boundary.
func trimStack(stack []byte) string {
	header, rest, _ := bytes.Cut(stack, []byte("\n"))
	lines := bytes.SplitAfter(rest, []byte("\n"))
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte("panic(")) && i+2 <= len(lines) {
			rest = bytes.Join(lines[i+2:], nil) // the panic( line and its file:line
			break
		}
	}
	out := append(append(header, '\n'), rest...)
	if len(out) <= maxStackBytes {
		return string(bytes.TrimRight(out, "\n"))
	}
	const more = "\n…(stack truncated)"
	cut := out[:maxStackBytes-len(more)]
	if i := bytes.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return string(cut) + more
}
