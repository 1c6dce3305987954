package sebs

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxBodyBytes is the response size limit of an [HTTPTrigger] whose
// MaxBodyBytes is 0: generous (256 MiB), but bounded.
const DefaultMaxBodyBytes int64 = 256 << 20

// HTTPTrigger invokes a function by POSTing its JSON payload over HTTP, as
// upstream's local HTTP trigger does, and measures the call with
// net/http/httptrace on a monotonic clock.
//
// By default every call opens a fresh connection (upstream's semantics, so
// HTTP startup includes the TCP connect); set KeepAlive to reuse connections.
// Each result's Detail says whether its connection was reused.
//
// Set the fields before the first call. The transport is created lazily and
// rebuilt if URL, KeepAlive or InsecureSkipVerify change, or Timeout changes
// whether fresh connections get TCP keep-alive probes (see Timeout). An HTTPTrigger is
// safe for concurrent use and must not be copied after first use. Call
// Close when done to close idle connections.
type HTTPTrigger struct {
	// URL is "host:port" (http:// is assumed, as upstream stores it) or a
	// full http or https URL.
	URL string
	// KeepAlive reuses connections between calls.
	KeepAlive bool
	// InsecureSkipVerify skips TLS certificate verification (upstream's
	// verify_ssl=False).
	InsecureSkipVerify bool
	// Timeout bounds each call, on top of the context's deadline; 0 means
	// none for a trigger made by hand. A Function read from JSON and a
	// LocalFunction set it from the function's configuration
	// ([FunctionConfig.TimeoutDuration]: DefaultTimeout when the config
	// says 0). Fresh connections of a trigger with a positive Timeout of at
	// most 165 s are dialed without TCP keep-alive probes, which could not
	// end such a call before the Timeout does (four fewer system calls a
	// call); a peer that silently lost the connection then fails the call at
	// its Timeout rather than at the first probe, 30 s in.
	Timeout time.Duration
	// MaxBodyBytes bounds the response body; 0 means DefaultMaxBodyBytes.
	// The body is read in memory close to its own size: one buffer of its
	// Content-Length, or chunks joined once; a body past the limit costs
	// the limit plus a few MiB before ErrBodyTooLarge, never a multiple.
	MaxBodyBytes int64

	mu     sync.Mutex
	key    transportKey
	tr     *http.Transport
	client *http.Client
	target string // resolved URL
	bufs   sync.Pool
}

type transportKey struct {
	url       string
	keepAlive bool
	insecure  bool
	probes    bool // TCP keep-alive probes (wantProbes)
}

// NewHTTPTrigger returns a trigger for url ("host:port" or a full URL) with
// fresh connections per call and no timeout. On Linux it makes sure the
// kernel stamps received packets from now on (kstampWarm), since stamping
// switches on some milliseconds after it is first asked for.
func NewHTTPTrigger(url string) *HTTPTrigger {
	kstampWarm()
	return &HTTPTrigger{URL: url}
}

// Type returns TriggerHTTP.
func (t *HTTPTrigger) Type() TriggerType { return TriggerHTTP }

// Endpoint returns the full URL the trigger POSTs to, e.g.
// "http://127.0.0.1:9000/" for URL "127.0.0.1:9000".
func (t *HTTPTrigger) Endpoint() (string, error) {
	return resolveURL(t.URL)
}

func resolveURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("sebs: HTTP trigger has no URL: set it to \"host:port\" or a full URL")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("sebs: HTTP trigger URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("sebs: HTTP trigger URL %q: scheme %q is not http or https", raw, u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("sebs: HTTP trigger URL %q has no host", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// setup returns the client and target URL, building the transport on first
// use or when the settings it was built with changed.
func (t *HTTPTrigger) setup() (*http.Client, string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := transportKey{url: t.URL, keepAlive: t.KeepAlive, insecure: t.InsecureSkipVerify,
		probes: wantProbes(t.KeepAlive, t.Timeout)}
	if t.client != nil && key == t.key {
		return t.client, t.target, nil
	}
	target, err := resolveURL(t.URL)
	if err != nil {
		return nil, "", err
	}
	if t.tr != nil {
		t.tr.CloseIdleConnections()
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: keepAliveIdle}
	if !key.probes {
		dialer.KeepAlive = -1
	}
	t.tr = &http.Transport{
		Proxy: nil, // functions are local: never go through a proxy
		// Kernel receive stamps (kstamp.go); fresh connections end with a reset.
		DialContext:         kstampDialer(dialer, !key.keepAlive),
		DisableCompression:  true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: key.insecure}, //nolint:gosec // the user's choice, as upstream's verify_ssl
	}
	if !key.keepAlive {
		// A fresh connection per call, closed by us once the response is read, without
		// "Connection: close": a server FIN behind the response would take over its stamp.
		t.tr.MaxIdleConnsPerHost = -1
	}
	t.client = &http.Client{
		Transport: t.tr,
		// A redirect would turn the POST into a GET: report it as a status.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.key, t.target = key, target
	return t.client, t.target, nil
}

// Close closes the trigger's idle connections. The trigger stays usable.
func (t *HTTPTrigger) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tr != nil {
		t.tr.CloseIdleConnections()
	}
}

func (t *HTTPTrigger) maxBody() int64 {
	if t.MaxBodyBytes > 0 {
		return t.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// getBuf returns a pooled buffer for the first bytes of a response body.
func (t *HTTPTrigger) getBuf() *[]byte {
	if b, ok := t.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, firstBodyChunk)
	return &b
}

func (t *HTTPTrigger) putBuf(b *[]byte) { t.bufs.Put(b) }

// callResult is what a call returns: its result and the values the result points to, in one
// allocation. It is kept apart from the rest of the invocation (the trace, its hooks and the connection)
// so that a caller who keeps results, as a benchmark recording every call does, keeps only this: the
// garbage collector would otherwise mark the whole invocation again in every collection.
type callResult struct {
	res       ExecutionResult
	detail    Detail
	startup   float64
	firstByte float64
}

// invocation holds one call's state; its result lives in the embedded callResult.
type invocation struct {
	*callResult

	t0          time.Time
	gotConnNS   atomic.Int64
	firstByteNS atomic.Int64
	reused      atomic.Bool
	conn        atomic.Pointer[kstampConn] // the call's connection, when it takes kernel stamps
	trace       httptrace.ClientTrace
}

// Hooks may run on transport goroutines; the atomics keep them race-free.
// A retried request calls GotConn again: the last connection is the one used.
func (inv *invocation) gotConn(info httptrace.GotConnInfo) {
	inv.gotConnNS.Store(int64(time.Since(inv.t0)))
	inv.reused.Store(info.Reused)
	inv.conn.Store(kstampMark(info.Conn))
}

func (inv *invocation) gotFirstByte() {
	inv.firstByteNS.CompareAndSwap(0, int64(time.Since(inv.t0)))
}

// EncodePayload is how every invocation in this module turns a payload into
// the request body: []byte and json.RawMessage are sent as they are, nil is
// sent as the empty event {}, and anything else is JSON-encoded.
func EncodePayload(payload any) ([]byte, error) {
	switch p := payload.(type) {
	case nil:
		return []byte("{}"), nil
	case []byte:
		return p, nil
	case json.RawMessage:
		return p, nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("sebs: encode payload as JSON: %w", err)
	}
	return b, nil
}

// Invoke POSTs payload to the function and returns what the call measured.
// Any payload is JSON-encoded, except []byte and json.RawMessage, which are
// sent as they are.
//
// The call ends at the earlier of ctx's deadline and the trigger's Timeout.
// Failures are [*InvocationError]s: a payload that cannot be encoded is
// [ErrBadPayload] and a trigger without a usable URL [ErrConnection], both
// before anything is sent. When a response arrived but was bad (a
// status other than 200, a body that is not JSON or too large, a missing
// request_id or is_cold), Invoke returns the result too, with
// Stats.Failure set, its times, and whatever output could be decoded.
func (t *HTTPTrigger) Invoke(ctx context.Context, payload any) (*ExecutionResult, error) {
	client, target, err := t.setup()
	if err != nil {
		return nil, &InvocationError{Kind: ErrConnection, URL: t.URL, Err: err}
	}
	body, err := EncodePayload(payload)
	if err != nil {
		return nil, &InvocationError{Kind: ErrBadPayload, URL: target, Err: err}
	}
	ctx, cancel := callContext(ctx, t.Timeout)
	defer cancel()

	buf := t.getBuf()
	defer t.putBuf(buf)
	inv, resp, data, ierr := t.exchange(ctx, client, target, body, jsonHeader, *buf)
	if ierr != nil {
		if inv == nil { // no response
			return nil, ierr
		}
		return &inv.res, ierr
	}
	if err := parseResponse(&inv.res, resp.StatusCode, data); err != nil {
		err.URL = target
		if err.Status == http.StatusRequestEntityTooLarge {
			err.Err = fmt.Errorf("%d-byte %w", len(body), err.Err)
		}
		return &inv.res, err
	}
	return &inv.res, nil
}

// jsonHeader is the request header of a JSON invocation.
var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// exchange POSTs body to target with header and reads the response within
// the trigger's body limit, starting in first (a pooled buffer), and returns
// the call's measurements, the response and its body. With a nil invocation
// no response was read and the error says why; with an invocation and an
// error, the response was too large. It is the transport half of
// [HTTPTrigger.Invoke], shared with [LambdaTrigger].
func (t *HTTPTrigger) exchange(ctx context.Context, client *http.Client, target string, body []byte, header http.Header, first []byte) (*invocation, *http.Response, []byte, *InvocationError) {
	inv := &invocation{callResult: &callResult{}}
	inv.trace.GotConn = inv.gotConn
	inv.trace.GotFirstResponseByte = inv.gotFirstByte
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, &inv.trace), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, nil, &InvocationError{Kind: ErrConnection, URL: target, Err: fmt.Errorf("build request: %w", err)}
	}
	maps.Copy(req.Header, header)
	inv.t0 = time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, nil, t.transportError(ctx, target, 0, "send request", err)
	}
	defer resp.Body.Close()
	max := t.maxBody()
	if resp.ContentLength > max {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, maxExcerpt))
		inv.finish(time.Now())
		return inv, resp, nil, &InvocationError{Kind: ErrBodyTooLarge, URL: target, Status: resp.StatusCode, Body: excerpt(head),
			Err: fmt.Errorf("response Content-Length %d exceeds the limit of %d bytes", resp.ContentLength, max)}
	}
	data, over, err := readBody(resp.Body, resp.ContentLength, max, first)
	end := time.Now()
	if err != nil {
		return nil, nil, nil, t.transportError(ctx, target, resp.StatusCode, "read response body", err)
	}
	inv.finish(end)
	if over {
		return inv, resp, data, &InvocationError{Kind: ErrBodyTooLarge, URL: target, Status: resp.StatusCode, Body: excerpt(data),
			Err: fmt.Errorf("response body exceeds the limit of %d bytes", max)}
	}
	return inv, resp, data, nil
}

// finish fills the times once the response body has been read. The result
// is marked failed until parseResponse accepts the response.
func (inv *invocation) finish(end time.Time) {
	r := &inv.res
	r.Detail = &inv.detail
	r.Stats.Failure = true
	r.Times.Client = end.Sub(inv.t0).Microseconds()
	r.Times.ClientBegin = inv.t0.Round(0)
	r.Times.ClientEnd = end.Round(0)
	inv.startup = time.Duration(inv.gotConnNS.Load()).Seconds()
	inv.firstByte = time.Duration(inv.firstByteNS.Load()).Seconds()
	inv.kernelTimes()
	r.Times.HTTPStartup = &inv.startup
	r.Times.HTTPFirstByteReturn = &inv.firstByte
	inv.detail.ConnectionReused = inv.reused.Load()
}

// kernelTimes replaces the trace's first byte and startup with the kernel's
// receive stamps where the call's connection took them (kstamp.go), keeping
// the user-space times in Detail, and records which source was used.
func (inv *invocation) kernelTimes() {
	inv.detail.TimestampSource = timestampUser
	st, ok := inv.conn.Load().stamps() // a nil *kstampConn reports none
	if !ok {
		return
	}
	fb, ok := st.firstByte()
	if !ok {
		return
	}
	inv.detail.TimestampSource = timestampKernel
	inv.detail.FirstByteUserNS = inv.firstByteNS.Load()
	inv.detail.StartupUserNS = inv.gotConnNS.Load()
	inv.firstByte = fb.Seconds()
	// Both times count from the request's zero: on a fresh connection the
	// SYN, on a reused one the request's first write, before which nothing
	// of the connection's setup happened, so its startup is 0 (the time
	// spent taking it from the pool stays in StartupUserNS).
	inv.startup = 0
	if up, ok := st.startup(); ok {
		inv.startup = up.Seconds()
	}
}

// transportError classifies an error from sending the request or reading the
// response: a deadline is ErrTimeout, a cancellation ErrCanceled, anything
// else ErrConnection.
func (t *HTTPTrigger) transportError(ctx context.Context, target string, status int, what string, err error) *InvocationError {
	kind := ErrConnection
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		kind = ErrTimeout
		if t.Timeout > 0 {
			what += fmt.Sprintf(" (trigger timeout %v)", t.Timeout)
		}
	case errors.Is(ctx.Err(), context.Canceled), errors.Is(err, context.Canceled):
		kind = ErrCanceled
	case errors.As(err, &ne) && ne.Timeout():
		kind = ErrTimeout
	}
	return &InvocationError{Kind: kind, URL: target, Status: status, Err: fmt.Errorf("%s: %w", what, err)}
}

// InvokeAsync starts Invoke in its own goroutine and returns a channel that
// receives its Outcome and is then closed. The goroutine ends with the call
// (bounded by ctx and Timeout), whether or not anyone receives.
func (t *HTTPTrigger) InvokeAsync(ctx context.Context, payload any) <-chan Outcome {
	return invokeAsync(ctx, payload, t.Invoke)
}

type httpTriggerJSON struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// MarshalJSON writes upstream's shape, {"type": "HTTP", "url": URL}.
func (t *HTTPTrigger) MarshalJSON() ([]byte, error) {
	return json.Marshal(httpTriggerJSON{Type: "HTTP", URL: t.URL})
}

// UnmarshalJSON reads upstream's shape. The type, if present, must be HTTP;
// the url must be present.
func (t *HTTPTrigger) UnmarshalJSON(data []byte) error {
	u, err := decodeTriggerURL(data, TriggerHTTP, "HTTP", "")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.URL = u
	return nil
}

// upstreamTriggerNames are the type names upstream writes in its JSON.
var upstreamTriggerNames = map[TriggerType]string{TriggerHTTP: "HTTP", TriggerLibrary: "Library"}

// decodeTriggerURL reads a serialized trigger of type want (its name in
// messages: name) and returns its url. The type, if present, must be want;
// the url must be present, and hint, if any, follows the error saying it is
// missing.
func decodeTriggerURL(data []byte, want TriggerType, name, hint string) (string, error) {
	var v struct {
		Type *string `json:"type"`
		URL  *string `json:"url"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return "", fmt.Errorf("sebs: decode %s trigger: %w", name, err)
	}
	if v.Type != nil {
		typ, err := ParseTriggerType(*v.Type)
		if err != nil {
			return "", fmt.Errorf("sebs: decode %s trigger: %w", name, err)
		}
		if typ != want {
			return "", fmt.Errorf("sebs: decode %s trigger: type is %q, not %s", name, *v.Type, upstreamTriggerNames[want])
		}
	}
	if v.URL == nil {
		return "", fmt.Errorf("sebs: decode %s trigger: no \"url\" key in %s%s", name, excerpt(data), hint)
	}
	return *v.URL, nil
}
