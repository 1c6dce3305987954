package sebs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"unicode"
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

// Bounds on what a HandlerError keeps of a response.
const (
	maxHandlerMessage = 4 << 10
	maxHandlerStack   = 64 << 10
)

// handlerErrorFromJSON reads this project's runtimes' error shape (DESIGN.md,
// "Handler errors on the wire"): "error", and where the runtime gives them
// "error_type", "stack" and "panic". ok is false when out has no "error".
func handlerErrorFromJSON(status int, out map[string]any) (he *HandlerError, ok bool) {
	raw, ok := out["error"]
	if !ok {
		return nil, false
	}
	he = &HandlerError{Status: status}
	if s, isString := raw.(string); isString {
		he.Message = s
	} else {
		b, _ := json.Marshal(raw)
		he.Message = string(b)
	}
	he.Message = clip(he.Message, maxHandlerMessage)
	he.Type, _ = out["error_type"].(string)
	stack, _ := out["stack"].(string)
	he.Stack = clip(stack, maxHandlerStack)
	he.Panic, _ = out["panic"].(bool)
	return he, true
}

// handlerErrorFromHTML reads an HTML error page with <pre> blocks, as
// upstream's bottle server sends for a handler's exception (debug mode:
// the error, the exception's repr and the traceback, each in a <pre>,
// HTML-escaped). ok is false when body has no <pre> block.
func handlerErrorFromHTML(status int, body []byte) (he *HandlerError, ok bool) {
	blocks := preBlocks(body)
	if len(blocks) == 0 {
		return nil, false
	}
	he = &HandlerError{Status: status, Message: blocks[0]}
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b, "Traceback (most recent call last)"):
			he.Stack = b
		case he.Type == "" && len(blocks) > 1:
			// The exception's repr, e.g. ZeroDivisionError('division by zero').
			if name, _, found := strings.Cut(b, "("); found && isPythonName(name) {
				he.Type, he.Message = name, b
			}
		}
	}
	// A traceback ends with "Type: message", the exception's own words.
	if last := lastLine(he.Stack); last != "" {
		name, msg, _ := strings.Cut(last, ": ")
		if isPythonName(name) {
			he.Type, he.Message = name, msg
			if msg == "" {
				he.Message = name
			}
		}
	}
	he.Message = clip(he.Message, maxHandlerMessage)
	he.Stack = clip(he.Stack, maxHandlerStack)
	return he, true
}

// preBlocks returns the unescaped text of body's <pre> blocks, each bounded.
func preBlocks(body []byte) []string {
	var out []string
	rest := body
	for len(out) < 8 {
		i := indexFold(rest, "<pre")
		if i < 0 {
			break
		}
		rest = rest[i:]
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			break
		}
		rest = rest[gt+1:]
		end := indexFold(rest, "</pre>")
		if end < 0 {
			end = len(rest)
		}
		text := rest[:min(end, maxHandlerStack+1024)]
		out = append(out, strings.TrimSpace(html.UnescapeString(strings.ToValidUTF8(string(text), "\uFFFD"))))
		rest = rest[end:]
	}
	return out
}

// indexFold is bytes.Index ignoring ASCII case; tag is lower case.
func indexFold(b []byte, tag string) int {
	for i := 0; i+len(tag) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(tag) <= len(b) && strings.EqualFold(string(b[i:i+len(tag)]), tag) {
			return i
		}
	}
	return -1
}

func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// isPythonName reports whether s is a dotted Python name such as
// "ValueError" or "json.decoder.JSONDecodeError".
func isPythonName(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || (part[0] >= '0' && part[0] <= '9') {
			return false
		}
		for _, r := range part {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// clip bounds s to about n bytes of valid UTF-8, keeping its start and its
// end (where a Python traceback has the frame that failed).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head, tail := s[:n/4], s[len(s)-3*n/4:]
	return strings.ToValidUTF8(head, "") + fmt.Sprintf("\n… (%d bytes left out) …\n", len(s)-len(head)-len(tail)) +
		strings.ToValidUTF8(tail, "")
}
