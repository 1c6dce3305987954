package sebs

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kinds of invocation failure. An [*InvocationError] wraps one of them, so
// errors.Is(err, ErrTimeout) tells what went wrong.
var (
	// ErrConnection: no response arrived (connection refused, reset, TLS
	// failure, or the body was cut off).
	ErrConnection = errors.New("connection failed")
	// ErrBadPayload: the payload cannot be encoded as JSON (a NaN, a
	// channel, a function); nothing was sent.
	ErrBadPayload = errors.New("payload cannot be encoded")
	// ErrTimeout: the context's deadline or the trigger's timeout passed
	// before the response was complete.
	ErrTimeout = errors.New("timed out")
	// ErrCanceled: the context was canceled before the response was complete.
	ErrCanceled = errors.New("canceled")
	// ErrStatus: the function answered with a status other than 200 that is
	// neither a handler's error nor 413.
	ErrStatus = errors.New("unexpected HTTP status")
	// ErrNotJSON: the response body is not a JSON object.
	ErrNotJSON = errors.New("response body is not a JSON object")
	// ErrBodyTooLarge: the response body is larger than the trigger's limit
	// (HTTPTrigger.MaxBodyBytes), or the function answered 413: the request
	// body is larger than it accepts.
	ErrBodyTooLarge = errors.New("body too large")
	// ErrMissingRequestID: the response has no "request_id".
	ErrMissingRequestID = errors.New("response has no request_id")
	// ErrInvocationFailed: the function itself failed. Either its handler
	// returned an error, raised or panicked (status 500 with this project's
	// error shape or upstream's bottle error page; the error carries a
	// [*HandlerError]), or a 200 response has no "is_cold", which is how
	// upstream's wrappers report a failed invocation.
	ErrInvocationFailed = errors.New("invocation failed")
	// ErrMalformedResponse: a field of the response has the wrong type or
	// format (e.g. an unparsable "begin").
	ErrMalformedResponse = errors.New("malformed response")
)

// maxExcerpt bounds the body excerpt an InvocationError carries.
const maxExcerpt = 512

// InvocationError describes a failed invocation: what kind of failure it was,
// the URL called, and what came back.
type InvocationError struct {
	Kind   error  // one of the Err* sentinels
	URL    string // the URL that was invoked
	Status int    // HTTP status, 0 if no response arrived
	Body   string // bounded excerpt of the response body
	Err    error  // underlying cause, if any
}

// Error says what failed, what came back, and, where it helps, what to do.
func (e *InvocationError) Error() string {
	var b strings.Builder
	b.WriteString("sebs: invoke ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	} else {
		b.WriteString("failed")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Status != 0 {
		b.WriteString(" (status ")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	var he *HandlerError
	isHandler := errors.As(e.Err, &he)
	if !isHandler && (e.Body != "" || e.Status != 0) {
		b.WriteString("; body: ")
		b.WriteString(strconv.Quote(e.Body))
	}
	if hint := e.hint(isHandler); hint != "" {
		b.WriteString("; ")
		b.WriteString(hint)
	}
	if isHandler && he.Stack != "" {
		b.WriteString("\n")
		b.WriteString(clip(he.Stack, maxStackInError))
	}
	return b.String()
}

// maxStackInError bounds the stack an error message shows; the
// HandlerError keeps more.
const maxStackInError = 4 << 10

func (e *InvocationError) hint(handler bool) string {
	switch {
	case handler:
		return "the handler's own error: fix the handler or its input (errors.As gives the *sebs.HandlerError)"
	case e.Kind == ErrBodyTooLarge && e.Status == http.StatusRequestEntityTooLarge:
		return "send a smaller payload (pass large inputs through storage, as SeBS benchmarks do)"
	}
	switch e.Kind {
	case ErrConnection:
		return "check that the function is running and listening at this address"
	case ErrTimeout:
		return "raise the function's timeout or the context deadline if the function is just slow"
	case ErrBodyTooLarge:
		return "raise HTTPTrigger.MaxBodyBytes if such a response is expected"
	case ErrBadPayload:
		return "send only values encoding/json can encode (no NaN or Inf, channels or functions), or pass the JSON yourself as []byte"
	case ErrInvocationFailed:
		return "the function reported an error; see its logs"
	case ErrRuntimeFailed:
		return "the function's runtime exited; see the container's logs"
	case ErrNoReport:
		return "connect the container's log stream to LambdaTrigger.Reports, or raise LambdaTrigger.ReportWait"
	}
	return ""
}

// Unwrap returns the kind and the cause, so both errors.Is(err, ErrTimeout)
// and errors.Is(err, context.DeadlineExceeded) work.
func (e *InvocationError) Unwrap() []error {
	switch {
	case e.Kind != nil && e.Err != nil:
		return []error{e.Kind, e.Err}
	case e.Kind != nil:
		return []error{e.Kind}
	case e.Err != nil:
		return []error{e.Err}
	}
	return nil
}

// excerpt returns at most maxExcerpt bytes of b as valid UTF-8, noting the
// full length when b was cut.
func excerpt(b []byte) string {
	// Count output bytes, not input bytes: each invalid byte becomes a 3-byte U+FFFD, so a cut on the
	// input alone could triple the bound.
	var sb strings.Builder
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if sb.Len()+utf8.RuneLen(r) > maxExcerpt {
			break
		}
		sb.WriteRune(r)
		i += size
	}
	if i == len(b) {
		return sb.String()
	}
	return fmt.Sprintf("%s… (%d bytes in all)", sb.String(), len(b))
}
