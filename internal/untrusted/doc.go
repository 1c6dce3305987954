// Package untrusted holds, in its tests, the fuzz targets for readers of untrusted bytes that have none in
// their own package: result files read back (experiments.json, result.csv, samples.jsonl), the fixtures'
// validators of a function's output, and the Go runtime's request handling. It has no code of its own.
//
// They live here rather than beside the Docker tests that use those readers because a fuzzing build
// instruments every package the test binary links: this package links no Docker client, so make fuzz
// builds it in seconds rather than a minute.
package untrusted
