// Package serve is the in-container Go runtime for SeBS-style serverless functions.
//
// A function is a [Handler]: it takes the JSON event and returns a value to be encoded as JSON. [Main] serves a
// handler over HTTP with the SeBS "local" protocol, so the same benchmark client can time it:
//
//   - GET /alive answers 200 {"status":"ok"}.
//   - POST / with a JSON event calls the handler and answers 200 with
//     {"begin","end","request_id","is_cold","result":{"output":<return value>},"container_id","handler_ns"}.
//     begin and end are epoch seconds with exactly six fraction digits, taken right around the handler call;
//     handler_ns is the handler's duration on the monotonic clock; is_cold is true on the first call only;
//     container_id is 12 random hex characters made once per [Server].
//   - A handler error or panic answers 500 {"error","error_type","stack","panic","request_id","is_cold",
//     "container_id"}: error_type is the returned error's %T (stack empty, panic false) or "panic" for a
//     panic (stack is the panicking goroutine's trace, at most 8 KiB; panic true). A body that is not JSON
//     answers 400 {"error"}; a body above the limit answers 413 {"error"}.
//
// Unlike upstream's wrappers, the timestamps bracket the handler (not a module import), is_cold is real,
// requests are served concurrently, bodies up to 64 MiB are accepted by default, and failures are JSON.
//
// A typical function:
//
//	func main() { serve.Main(handle) }
//
//	func handle(ctx context.Context, event json.RawMessage) (any, error) {
//		var in struct{ Name string `json:"name"` }
//		if err := json.Unmarshal(event, &in); err != nil {
//			return nil, err
//		}
//		return map[string]any{"result": "hello " + in.Name}, nil
//	}
//
// The package uses the standard library only and runs in a FROM scratch image: it needs no shell, no files
// and no /tmp.
package serve
