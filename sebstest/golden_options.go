package sebstest

import "strings"

// DefaultVolatileKeys returns the JSON object keys whose values [Golden] replaces with placeholders unless
// told otherwise: times, durations, ids, addresses and memory readings, which change from run to run. They cover
// a [sebs.ExecutionResult] (request_id, times.*, stats.memory_used, detail.*), the SeBS response under its
// output (begin, end, container_id, handler_ns), a [sebs.LocalFunction] (instance_id, url, port), the graph
// fixtures' measurements and the timing fields of samples.jsonl. The duration and size keys among them
// (client, benchmark, http_startup, handler_ns, compute_time, …) are masked only where their value is a
// number, so a "benchmark" that names a benchmark stays as it is. The slice is new on each call.
func DefaultVolatileKeys() []string {
	return []string{
		"request_id", "client_begin", "client_end", "begin", "end",
		"container_id", "instance_id", "url", "port",
		"handler_ns", "memory_used", "memory_samples", "memory_peak_bytes",
		"client", "benchmark", "http_startup", "http_first_byte_return",
		"graph_generating_time", "compute_time",
		"client_ns", "http_startup_ns", "first_byte_ns", "server_ns", "create_ns", "start_ns", "ready_ns",
	}
}

// numericVolatileKeys are the default volatile keys masked only where they hold a number.
func numericVolatileKeys() []string {
	return []string{
		"handler_ns", "memory_used", "memory_peak_bytes",
		"client", "benchmark", "http_startup", "http_first_byte_return",
		"graph_generating_time", "compute_time",
		"client_ns", "http_startup_ns", "first_byte_ns", "server_ns", "create_ns", "start_ns", "ready_ns",
	}
}

// maskKind says which values of a volatile key are masked.
type maskKind int

const (
	maskAny     maskKind = iota + 1 // every value
	maskNumbers                     // numbers only
)

// A GoldenOption changes how [Golden] and [GoldenJSON] normalise, store and compare a value.
type GoldenOption func(*goldenConfig)

// goldenConfig is what the options set; newGoldenConfig gives the defaults.
type goldenConfig struct {
	dir       string
	volatile  map[string]maskKind
	rewrites  []rewrite
	tolerance float64
	update    *bool
}

// rewrite replaces the values at a path after the volatile keys were masked.
type rewrite struct {
	path []string
	fn   func(any) any
}

func newGoldenConfig(opts []GoldenOption) *goldenConfig {
	c := &goldenConfig{dir: "testdata", volatile: map[string]maskKind{}}
	for _, k := range DefaultVolatileKeys() {
		c.volatile[k] = maskAny
	}
	for _, k := range numericVolatileKeys() {
		c.volatile[k] = maskNumbers
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// GoldenDir stores golden files in dir instead of "testdata" (relative to the test's package directory).
func GoldenDir(dir string) GoldenOption {
	return func(c *goldenConfig) { c.dir = dir }
}

// GoldenMask adds keys to the volatile keys: their values, of any type, are replaced with placeholders
// wherever they occur.
func GoldenMask(keys ...string) GoldenOption {
	return func(c *goldenConfig) {
		for _, k := range keys {
			c.volatile[k] = maskAny
		}
	}
}

// GoldenKeep removes keys from the volatile keys, so their values are stored and compared as they are.
func GoldenKeep(keys ...string) GoldenOption {
	return func(c *goldenConfig) {
		for _, k := range keys {
			delete(c.volatile, k)
		}
	}
}

// GoldenRaw turns masking off: no key is volatile. Options after it may add keys back with [GoldenMask].
func GoldenRaw() GoldenOption {
	return func(c *goldenConfig) { c.volatile = map[string]maskKind{} }
}

// GoldenAt rewrites the values found at path with fn, after volatile keys were masked: use it for a field
// that is partly volatile, such as an HTML page with random numbers in it. The path is a dot-separated list
// of object keys, in which "*" matches any key or any array element: "output.result.output.result".
// A path that matches nothing changes nothing.
func GoldenAt(path string, fn func(v any) any) GoldenOption {
	return func(c *goldenConfig) {
		c.rewrites = append(c.rewrites, rewrite{path: strings.Split(path, "."), fn: fn})
	}
}

// GoldenTolerance makes numbers compare equal when they differ by at most the given fraction of the larger
// magnitude, for floating-point results that may differ in their last bits between machines (fused
// multiply-add on arm64, another libm). The default is 0: numbers must be equal.
func GoldenTolerance(fraction float64) GoldenOption {
	return func(c *goldenConfig) { c.tolerance = fraction }
}

// GoldenUpdate forces update mode on or off for this call, whatever the -sebs.update flag and the
// SEBS_UPDATE_GOLDEN variable say.
func GoldenUpdate(on bool) GoldenOption {
	return func(c *goldenConfig) { c.update = &on }
}
