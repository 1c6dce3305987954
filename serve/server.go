package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"
)

// Server answers the SeBS protocol for one [Handler]. It is an [http.Handler], so it can be served by any
// http.Server, tested with net/http/httptest, or wrapped by another handler. Create it with [NewServer]; one
// process should have one Server, since is_cold and container_id are per Server.
type Server struct {
	handler     Handler
	maxBody     int64
	log         *log.Logger
	containerID string
	invoked     atomic.Bool // set by the first call that reaches the handler: that call is the cold one
}

// NewServer returns a Server calling h, with a fresh container id.
func NewServer(h Handler, opts ...Option) *Server {
	if h == nil {
		panic("serve: NewServer called with a nil Handler")
	}
	s := &Server{
		handler:     h,
		maxBody:     DefaultMaxBodyBytes,
		log:         log.New(os.Stderr, "", log.LstdFlags),
		containerID: newContainerID(),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ContainerID returns the 12 hex characters this Server sends as container_id.
func (s *Server) ContainerID() string { return s.containerID }

// MaxBodyBytes returns the largest request body this Server accepts.
func (s *Server) MaxBodyBytes() int64 { return s.maxBody }

// ServeHTTP routes GET /alive to the readiness answer and POST / to the handler; anything else is a JSON
// 404 or 405.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/alive":
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPost: // upstream's Node server only had POST /alive
			writeJSON(w, s.log, http.StatusOK, []byte(`{"status":"ok"}`))
		default:
			s.methodNotAllowed(w, r, "GET")
		}
	case "/":
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, r, "POST")
			return
		}
		s.invoke(w, r)
	default:
		writeFailure(w, s.log, http.StatusNotFound, failure{
			Error: fmt.Sprintf("serve: no route %s %s; use GET /alive or POST /", r.Method, r.URL.Path)})
	}
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeFailure(w, s.log, http.StatusMethodNotAllowed, failure{
		Error: fmt.Sprintf("serve: method %s not allowed on %s; use %s", r.Method, r.URL.Path, allow)})
}

// invoke reads the event, calls the handler and writes the protocol answer.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request) {
	event, status, err := s.readEvent(w, r)
	if err != nil {
		writeFailure(w, s.log, status, failure{Error: err.Error()})
		return
	}
	requestID := newRequestID()
	cold := s.invoked.CompareAndSwap(false, true)
	ctx := context.WithValue(r.Context(), requestIDKey{}, requestID)

	begin := time.Now()
	out, err := s.call(ctx, event)
	end := time.Now()

	var body []byte
	if err == nil {
		body, err = encode(invocation{
			Begin:       epochMicros(begin),
			End:         epochMicros(end),
			RequestID:   requestID,
			IsCold:      cold,
			Result:      output{Output: out},
			ContainerID: s.containerID,
			HandlerNS:   end.Sub(begin).Nanoseconds(),
		})
		if err != nil { // the handler's fault too: its type is the encoder's error
			err = &wrapped{fmt.Errorf("serve: the handler's return value cannot be encoded as JSON: %w", err), err}
		}
	}
	if err != nil {
		f := handlerFailure(err)
		f.RequestID, f.IsCold, f.ContainerID = requestID, &cold, s.containerID
		writeFailure(w, s.log, http.StatusInternalServerError, f)
		return
	}
	writeJSON(w, s.log, http.StatusOK, body)
}

// readEvent returns the request body if it is JSON within the limit, or the status and error to answer.
func (s *Server) readEvent(w http.ResponseWriter, r *http.Request) (json.RawMessage, int, error) {
	tooLarge := fmt.Errorf("serve: request body is larger than the limit of %d bytes; "+
		"send less or raise SEBS_MAX_BODY_BYTES", s.maxBody)
	if r.ContentLength > s.maxBody {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		return nil, http.StatusBadRequest, fmt.Errorf("serve: reading the request body failed: %w", err)
	}
	if !json.Valid(body) {
		return nil, http.StatusBadRequest, fmt.Errorf(
			"serve: request body is not JSON (%d bytes, starting %s); POST a JSON event",
			len(body), strconv.Quote(string(body[:min(len(body), 40)])))
	}
	return bytes.TrimSpace(body), 0, nil
}

// call runs the handler, turning a panic into a *panicError (with its stack) so that one bad call does not
// kill the process.
func (s *Server) call(ctx context.Context, event json.RawMessage) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // a deliberate abort: let net/http drop the connection
				panic(p)
			}
			stack := trimStack(debug.Stack())
			s.log.Printf("serve: handler panicked: %v\n%s", p, stack)
			out, err = nil, &panicError{value: p, stack: stack}
		}
	}()
	return s.handler(ctx, event)
}
