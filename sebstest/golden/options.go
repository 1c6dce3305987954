package golden

import "strings"

// defaultVolatileKeys returns the JSON object keys whose values [Result] replaces with placeholders unless
// told otherwise: times, durations, ids, addresses and memory readings, which change from run to run. They cover
// a [sebs.ExecutionResult] (request_id, times.*, stats.memory_used, detail.*), the SeBS response under its
// output (begin, end, container_id, handler_ns), a [sebs.LocalFunction] (instance_id, url, port), the graph
// fixtures' measurements and the timing fields of samples.jsonl. The duration and size keys among them
// (client, benchmark, http_startup, handler_ns, compute_time, …) are masked only where their value is a
// number, so a "benchmark" that names a benchmark stays as it is. The slice is new on each call.
func defaultVolatileKeys() []string {
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
	maskDrop                        // removed from a result's detail (issue 16: see detailMachineKeys)
)

// detailMachineKeys are keys of a result's detail whose presence, not only value, depends on the machine
// and the moment (issue 16): where the times came from (kernel stamps exist on Linux only, and not for
// every call), the user-space times kept beside kernel ones, and how the container was reached (its
// bridge address or a published port). [Result] drops them from any object that is a detail (has
// "connection_reused"), unless [Keep] or [Raw] says otherwise.
func detailMachineKeys() []string {
	return []string{"timestamp_source", "first_byte_user_ns", "startup_user_ns", "address"}
}

// An Option changes how [Result] and [JSON] normalise, store and compare a value.
type Option func(*config)

// config is what the options set; newConfig gives the defaults.
type config struct {
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

func newConfig(opts []Option) *config {
	c := &config{dir: "testdata", volatile: map[string]maskKind{}}
	for _, k := range defaultVolatileKeys() {
		c.volatile[k] = maskAny
	}
	for _, k := range numericVolatileKeys() {
		c.volatile[k] = maskNumbers
	}
	for _, k := range detailMachineKeys() { // issue 16
		c.volatile[k] = maskDrop
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Dir stores golden files in dir instead of "testdata" (relative to the test's package directory).
func Dir(dir string) Option {
	return func(c *config) { c.dir = dir }
}

// Mask adds keys to the volatile keys: their values, of any type, are replaced with placeholders
// wherever they occur.
func Mask(keys ...string) Option {
	return func(c *config) {
		for _, k := range keys {
			c.volatile[k] = maskAny
		}
	}
}

// Keep removes keys from the volatile keys, so their values are stored and compared as they are.
func Keep(keys ...string) Option {
	return func(c *config) {
		for _, k := range keys {
			delete(c.volatile, k)
		}
	}
}

// Raw turns masking off: no key is volatile. Options after it may add keys back with [Mask].
func Raw() Option {
	return func(c *config) { c.volatile = map[string]maskKind{} }
}

// At rewrites the values found at path with fn, after volatile keys were masked: use it for a field
// that is partly volatile, such as an HTML page with random numbers in it. The path is a dot-separated list
// of object keys, in which "*" matches any key or any array element: "output.result.output.result".
// A path that matches nothing changes nothing.
func At(path string, fn func(v any) any) Option {
	return func(c *config) {
		c.rewrites = append(c.rewrites, rewrite{path: strings.Split(path, "."), fn: fn})
	}
}

// Tolerance makes numbers compare equal when they differ by at most the given fraction of the larger
// magnitude, for floating-point results that may differ in their last bits between machines (fused
// multiply-add on arm64, another libm). The default is 0: numbers must be equal.
func Tolerance(fraction float64) Option {
	return func(c *config) { c.tolerance = fraction }
}

// Update forces update mode on or off for this call, whatever the -sebs.update flag and the
// SEBS_UPDATE_GOLDEN variable say.
func Update(on bool) Option {
	return func(c *config) { c.update = &on }
}
