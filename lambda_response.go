package sebs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// lambdaTimeoutPrefix starts the emulator's answer to a call that ran past
// the function's timeout (status 200, not JSON).
const lambdaTimeoutPrefix = "Task timed out after"

// lambdaErrorKeys are the keys Lambda runtimes put in an error response:
// errorMessage and errorType always, a stack trace under stackTrace (Go,
// Python) or trace (Node.js), and sometimes requestId and cause.
var lambdaErrorKeys = map[string]bool{
	"errorMessage": true, "errorType": true, "stackTrace": true, "trace": true, "requestId": true, "cause": true,
}

// parseLambdaResponse turns the emulator's answer to call id into res; see
// [LambdaTrigger] for the mapping. res.Stats.Failure is set on every error and
// cleared on success. The error leaves URL empty for the caller to fill.
func parseLambdaResponse(res *ExecutionResult, id string, status int, header http.Header, body []byte) *InvocationError {
	res.Stats.Failure = true
	fail := func(kind error, err error) *InvocationError {
		return &InvocationError{Kind: kind, Status: status, Body: excerpt(body), Err: err}
	}
	functionError := header.Get("X-Amz-Function-Error")
	if status == http.StatusOK && functionError == "" && bytes.HasPrefix(body, []byte(lambdaTimeoutPrefix)) {
		return fail(ErrTimeout, fmt.Errorf("the function ran past its configured timeout (%s)", bytes.TrimSpace(body)))
	}
	// Objects, nearly every answer, are decoded once, numbers kept exact as
	// json.Number; anything else is decoded again as a plain value.
	var value any
	obj, jsonErr := decodeObject(body)
	if jsonErr == nil {
		value = obj
	} else {
		obj, jsonErr = nil, json.Unmarshal(body, &value)
	}
	if he, ok := lambdaHandlerError(obj, status, functionError); ok {
		res.Output = map[string]any{"request_id": id, "error": obj}
		if isLambdaRuntimeError(he.Type) {
			return fail(ErrRuntimeFailed, fmt.Errorf("%s: %s", he.Type, he.Message))
		}
		return fail(ErrInvocationFailed, he)
	}
	if status != http.StatusOK {
		if obj != nil {
			res.Output = obj
		}
		return fail(ErrStatus, nil)
	}
	if jsonErr != nil {
		return fail(ErrNotJSON, jsonErr)
	}
	if obj != nil {
		if inner, err := unwrapBody(obj); err == nil && inner["is_cold"] != nil {
			return acceptResponse(res, status, body, inner, nil) // a SeBS wrapper: read as upstream's AWS trigger does
		}
	}
	res.Output = map[string]any{"request_id": id, "result": map[string]any{"output": value}}
	res.Stats.Failure = false
	return nil
}

// lambdaHandlerError reads a Lambda error response: an object with a string
// errorMessage and errorType. Without an X-Amz-Function-Error header, a 200
// answer counts as an error only when it has no keys but Lambda's error keys,
// so a handler's own return value is not taken for one.
func lambdaHandlerError(obj map[string]any, status int, functionError string) (*HandlerError, bool) {
	msg, okMsg := obj["errorMessage"].(string)
	typ, okType := obj["errorType"].(string)
	if !okMsg || !okType {
		return nil, false
	}
	if status == http.StatusOK && functionError == "" {
		for k := range obj {
			if !lambdaErrorKeys[k] {
				return nil, false
			}
		}
	}
	stack := lambdaStack(obj["stackTrace"])
	if stack == "" {
		stack = lambdaStack(obj["trace"])
	}
	// A runtime that reports the error and then dies (aws-lambda-go after a
	// panic) makes the emulator answer 502: the error was not handled.
	panicked := status == http.StatusBadGateway || strings.Contains(stack, "gopanic")
	return &HandlerError{Status: status, Message: msg, Type: typ, Stack: stack, Panic: panicked}, true
}

// isLambdaRuntimeError says whether a Lambda errorType names a failure of
// the runtime or sandbox, not of the handler.
func isLambdaRuntimeError(typ string) bool {
	return strings.HasPrefix(typ, "Runtime.") || strings.HasPrefix(typ, "Sandbox.")
}

// lambdaStack renders a Lambda stack trace: lines (Python, Node.js) one per
// line; Go's frames {"label", "path", "line"} as "label\n\tpath:line".
func lambdaStack(v any) string {
	frames, ok := v.([]any)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, f := range frames {
		switch f := f.(type) {
		case string:
			b.WriteString(strings.TrimRight(f, "\n"))
		case map[string]any:
			label, _ := f["label"].(string)
			path, _ := f["path"].(string)
			b.WriteString(label)
			b.WriteString("\n\t")
			b.WriteString(path)
			switch line := f["line"].(type) {
			case json.Number:
				b.WriteString(":" + line.String())
			case float64:
				b.WriteString(":" + strconv.FormatFloat(line, 'f', -1, 64))
			}
		default:
			continue
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}
