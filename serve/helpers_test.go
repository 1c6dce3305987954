package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
)

// quiet silences the panic log in tests.
var quiet = WithErrorLog(log.New(io.Discard, "", 0))

// reply is a decoded answer: every field the protocol may send.
type reply struct {
	Status      int
	ContentType string
	Begin       string          `json:"begin"`
	End         string          `json:"end"`
	RequestID   string          `json:"request_id"`
	IsCold      *bool           `json:"is_cold"`
	Result      json.RawMessage `json:"result"`
	ContainerID string          `json:"container_id"`
	HandlerNS   *int64          `json:"handler_ns"`
	Error       string          `json:"error"`
	ErrorType   string          `json:"error_type"`
	Stack       *string         `json:"stack"`
	Panic       *bool           `json:"panic"`
	StatusText  string          `json:"status"`
}

// post sends body to POST / on h and decodes the JSON answer, failing the test if it is not JSON.
func post(t *testing.T, h http.Handler, body string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, h, req)
}

func do(t *testing.T, h http.Handler, req *http.Request) reply {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r reply
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("%s %s: answer %d is not JSON: %v: %q", req.Method, req.URL.Path, rec.Code, err, rec.Body.String())
	}
	r.Status = rec.Code
	r.ContentType = rec.Header().Get("Content-Type")
	return r
}
