package sebs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// parseResponse turns a function's HTTP response into res, as upstream's
// HTTP trigger does: decode the JSON body (numbers as json.Number, so the
// function's integers above 2^53 stay exact), unwrap a "body" envelope (an
// object, or a JSON string as AWS-style wrappers send), then require status
// 200, a "request_id" and an "is_cold". It also maps this project's
// "container_id" and "handler_ns" into res.Detail. A status other than 200
// is classified by statusError.
//
// res.Stats.Failure is set on every error and cleared on success. The error
// leaves URL empty for the caller to fill.
func parseResponse(res *ExecutionResult, status int, body []byte) *InvocationError {
	out, jsonErr := decodeObject(body)
	if jsonErr == nil && out == nil {
		jsonErr = errors.New("body is null")
	}
	if jsonErr == nil {
		out, jsonErr = unwrapBody(out)
	}
	return acceptResponse(res, status, body, out, jsonErr)
}

// acceptResponse is parseResponse after decoding: out is the unwrapped
// object decoded from body, or jsonErr says why there is none.
func acceptResponse(res *ExecutionResult, status int, body []byte, out map[string]any, jsonErr error) *InvocationError {
	res.Stats.Failure = true
	fail := func(kind error, err error) *InvocationError {
		return &InvocationError{Kind: kind, Status: status, Body: excerpt(body), Err: err}
	}
	if jsonErr == nil {
		res.Output = out
	}
	if status != 200 {
		return statusError(status, out, jsonErr == nil, body, fail)
	}
	if jsonErr != nil {
		return fail(ErrNotJSON, jsonErr)
	}

	id, ok := out["request_id"]
	if !ok {
		return fail(ErrMissingRequestID, nil)
	}
	rid, ok := id.(string)
	if !ok {
		return fail(ErrMalformedResponse, fmt.Errorf("\"request_id\" is %T, not a string", id))
	}
	res.RequestID = rid

	cold, ok := out["is_cold"]
	if !ok {
		reason, _ := json.Marshal(failureReason(out))
		return fail(ErrInvocationFailed, fmt.Errorf("no \"is_cold\" in the response; reason: %s", excerpt(reason)))
	}
	isCold, ok := cold.(bool)
	if !ok {
		return fail(ErrMalformedResponse, fmt.Errorf("\"is_cold\" is %T, not a boolean", cold))
	}
	res.Stats.ColdStart = isCold

	us, _, err := benchmarkMicros(out)
	if err != nil {
		return fail(ErrMalformedResponse, err)
	}
	res.Times.Benchmark = us

	if res.Detail != nil {
		if c, ok := out["container_id"].(string); ok {
			res.Detail.ContainerID = c
		}
		if n, ok := out["handler_ns"].(json.Number); ok {
			if ns, err := n.Int64(); err == nil && ns >= 0 {
				res.Detail.HandlerNS = ns
			}
		}
	}
	res.Stats.Failure = false
	return nil
}

// unwrapBody returns the object inside a "body" envelope, or out itself.
func unwrapBody(out map[string]any) (map[string]any, error) {
	inner, ok := out["body"]
	if !ok {
		return out, nil
	}
	switch b := inner.(type) {
	case map[string]any:
		return b, nil
	case string:
		m, err := decodeObject([]byte(b))
		if err != nil {
			return nil, fmt.Errorf("\"body\" envelope is a string but not a JSON object: %w", err)
		}
		if m == nil {
			return nil, errors.New("\"body\" envelope is the string \"null\"")
		}
		return m, nil
	}
	return nil, fmt.Errorf("\"body\" envelope is %T, neither an object nor a JSON string", inner)
}

// failureReason is what a failed invocation said about itself: upstream
// reports "result"; this project's runtimes send "error".
func failureReason(out map[string]any) any {
	if e, ok := out["error"]; ok {
		return e
	}
	return out["result"]
}

// Upstream's Python server (bottle) refuses request bodies above its
// MEMFILE_MAX with 413.
const bottleMaxRequest = 102400

// statusError classifies a response whose status is not 200:
//   - 500 with an "error" key (this project's runtimes) or an HTML page with
//     <pre> blocks (upstream's bottle server in debug mode) is the handler's
//     own failure: ErrInvocationFailed carrying a *HandlerError;
//   - 413 is a request body larger than the function accepts:
//     ErrBodyTooLarge;
//   - anything else is ErrStatus.
func statusError(status int, out map[string]any, isJSON bool, body []byte, fail func(kind, err error) *InvocationError) *InvocationError {
	switch {
	case status == http.StatusRequestEntityTooLarge:
		return fail(ErrBodyTooLarge, fmt.Errorf("request body larger than the function accepts "+
			"(upstream's bottle server accepts at most %d bytes, its MEMFILE_MAX)", bottleMaxRequest))
	case status != http.StatusInternalServerError:
	case isJSON:
		if he, ok := handlerErrorFromJSON(status, out); ok {
			return fail(ErrInvocationFailed, he)
		}
	default:
		if he, ok := handlerErrorFromHTML(status, body); ok {
			return fail(ErrInvocationFailed, he)
		}
	}
	return fail(ErrStatus, nil)
}
