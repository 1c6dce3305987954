package serve

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"strconv"
)

// invocation is the 200 body of POST /.
type invocation struct {
	Begin       string `json:"begin"`
	End         string `json:"end"`
	RequestID   string `json:"request_id"`
	IsCold      bool   `json:"is_cold"`
	Result      output `json:"result"`
	ContainerID string `json:"container_id"`
	HandlerNS   int64  `json:"handler_ns"`
}

// output wraps the handler's return value as upstream's local wrapper does.
type output struct {
	Output any `json:"output"`
}

// failure is the body of every non-200 answer. The invocation fields are set only once a handler was called;
// ErrorType, Stack and Panic only when the handler failed (DESIGN.md, handler errors on the wire).
type failure struct {
	Error       string  `json:"error"`
	ErrorType   string  `json:"error_type,omitempty"`
	Stack       *string `json:"stack,omitempty"`
	Panic       *bool   `json:"panic,omitempty"`
	RequestID   string  `json:"request_id,omitempty"`
	IsCold      *bool   `json:"is_cold,omitempty"`
	ContainerID string  `json:"container_id,omitempty"`
}

// encode marshals v like json.Marshal but leaves <, > and & as they are, as other languages' JSON encoders
// do: an HTML page in the output then costs what it weighs, not six bytes per angle bracket.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSON sends body, already encoded, with the given status.
func writeJSON(w http.ResponseWriter, logger *log.Logger, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		logger.Printf("serve: writing the %d response failed (client gone?): %v", status, err)
	}
}

// writeFailure sends f with the given status.
func writeFailure(w http.ResponseWriter, logger *log.Logger, status int, f failure) {
	body, err := json.Marshal(f)
	if err != nil { // cannot happen: failure has only strings and a bool
		body = []byte(`{"error":"serve: encoding the error response failed"}`)
	}
	writeJSON(w, logger, status, body)
}
