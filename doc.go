// Package sebs is the portable model of a serverless function deployed on one
// machine, how it is invoked, and what one invocation measured.
//
// It re-implements, in Go, the function and result model of the "local"
// platform of SeBS, the Serverless Benchmark Suite (ETH Zurich). Every type
// reads and writes the JSON that upstream SeBS reads and writes, so functions,
// deployments and results move freely between the two tools:
//
//   - [Function], [FunctionConfig] and [Runtime] describe a deployed function;
//     [LocalFunction] adds the container it runs in.
//   - A [Trigger] invokes a function. [HTTPTrigger] POSTs a JSON payload and
//     times the call with net/http/httptrace and a monotonic clock.
//   - An [ExecutionResult] holds what one invocation measured: client-side
//     times, the function's own begin/end, cold-start flag and output.
//
// Measurements follow upstream's definitions (client time, curl's PRETRANSFER
// and STARTTRANSFER), but they are taken with a monotonic clock, carry whether
// the connection was reused, and are bounded by timeouts. Units are those of
// upstream's JSON (integer microseconds, float seconds); the Duration accessors
// convert them, so Go code never juggles units.
//
// Failed invocations return an [*InvocationError] that says what came back;
// test it with errors.Is against [ErrConnection], [ErrTimeout], [ErrCanceled],
// [ErrBadPayload], [ErrStatus], [ErrNotJSON], [ErrBodyTooLarge],
// [ErrMissingRequestID], [ErrMalformedResponse] and [ErrInvocationFailed].
// A handler's own error or panic is [ErrInvocationFailed] carrying a
// [*HandlerError] (errors.As) with its message, type and stack.
//
// [MarshalUpstream] writes any of these values the way upstream writes its
// files: keys sorted, two-space indent.
//
// The package imports the standard library only.
package sebs
