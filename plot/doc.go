// Package plot draws the SVG report of a benchmark run from its samples.jsonl (see DESIGN.md, "Benchmark
// results on disk"), with gonum's plot.
//
// The report is one SVG file (report.svg): a title with the key to the series' styles, then one section per
// benchmark, one above the other, in name order. A series is one language, size and mode of the benchmark
// (16 for two languages, two sizes and four modes); it has the same colour and dash in every section and
// panel: the hue tells the language, the shade (dark to light) the size, the dash pattern the mode (warm
// solid, sequential long dashes, cold dots, burst dash-dot). Labels leave out what the whole run holds one
// value of (a run of one language labels its series "test / warm", not "go test / warm"). Each section has
// three panels:
//
//  1. Client time CDF: for each series, the fraction of successful invocations whose client time is at most
//     x, x in milliseconds (log scale when the slowest call took over 20 times the fastest), its legend at
//     the right.
//  2. Cold against warm: for each language and size, box plots of the client time of the invocations that
//     reported is_cold (cold) and of those that did not (warm), side by side; boxes are quartiles, whiskers
//     Tukey's 1.5 IQR fences, dots the calls outside them (log scale when the spread is wide).
//  3. Phases: for each series, the mean client time split into stacked bars that add up to it, the mean
//     written at the end of the bar: connect (http_startup_ns: until the request could be sent), server
//     (server_ns: the function's own time), wait (first_byte_ns − http_startup_ns − server_ns: network, HTTP
//     and the wrapper, at least 0) and read (client_ns − first_byte_ns: reading the response body). When the
//     slowest series' mean is over 20 times the fastest's (cold starts against warm calls), the bars show each
//     phase's share of the mean instead of milliseconds, so that the fast series stay readable.
//
// A section whose calls returned a measurement with times (the sample's "measurement": upstream's storage
// benchmarks time their download, compute and upload steps in µs as download_time, compute_time and
// upload_time, and give download_size and upload_size in bytes) has one more row of two panels; a section
// without one looks as it did before:
//
//  4. Measured times: for each series, one bar per step (every key ending in "_time"; download, compute,
//     upload first) to the median time per call in ms, and a whisker from the median to
//     the 95th percentile, the median written after it; both by nearest rank over the calls that measured
//     the step.
//  5. Throughput: for each step that has a size too (a transfer), a bar to the median throughput per call,
//     size over time in MB/s (10⁶ bytes per second), and a whisker from the 5th to the 95th percentile. Calls
//     that took 0 µs are left out.
//
// MeasurementTable writes the same figures as text (sebs-plot prints it), with the median sizes.
//
// Invocations that failed (an "error" in the sample) are left out of every panel; the headers say how many. A
// Filter narrows the report to some benchmarks, languages, sizes or modes (sebs-plot's -benchmark, -lang,
// -size and -mode flags). Save writes the report as SVG, or as a PNG image for a name ending in ".png".
package plot
