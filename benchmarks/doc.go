// Package benchmarks holds the go test -bench suites over the built-in fixture functions (package
// fixtures): sleep, dynamic-html, graph-pagerank, graph-mst and graph-bfs, in the modes of upstream SeBS's
// perf-cost experiment (warm, sequential, cold, burst) and upstream's input sizes.
//
// Run them with make bench, or:
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/
//
// Sub-benchmarks are named lang=<language>/mode=<mode>/size=<size>, with a last level conc=<n> in the
// warm and burst modes, so benchstat can project on any of them (-col /mode). Each line reports the
// metrics of bench.Run (package sebstest/bench): Go's ns/op (one iteration), the per-call means
// client-ns/call, http-startup-ns/call, first-byte-ns/call, server-ns/call, the percentiles
// p50/p95/p99-client-ns, cold-excluded (warm; a count per run), coldstart-ns/start (cold, burst) and
// peak-mem-B (with memory sampling).
//
// The language level lang=go-lambda runs the same fixtures written as AWS Lambda functions
// (fixtures/lambda/go, aws-lambda-go's lambda.Start) under AWS's Runtime Interface Emulator
// (sebstest.LambdaFunction), with the same memory, timeout, inputs and validators as lang=go; its lines
// add the provider metrics provider-exec-ns/call, billed-gb-s/call and init-ns/start (cold, burst), and
// have no server-ns/call (a Lambda function reports no handler time of its own). Compare the two
// runtimes with benchstat -col /lang. Being a level of the same benchmarks, it keeps the gate's and
// benchstat's names stable: a run without it (-sebs.lambda=false) still lines up with one with it.
//
// Flags (after the package on the go test command line):
//
//	-sebs.sizes=test,small          input sizes (test, small, large); large takes minutes
//	-sebs.modes=warm,sequential,cold,burst
//	-sebs.concurrency=2             concurrent calls in warm mode, functions per burst
//	-sebs.memory=10ms               sample container memory at this interval (0: off)
//	-sebs.lambda=false              leave out lang=go-lambda (the Go fixtures as Lambda functions)
//	-sebs.python                    also run the Python fixtures (or env SEBS_BENCH_PYTHON=1); the
//	                                first run builds the Python image, one to three minutes
//	-sebs.nodejs                    also run the Node.js fixtures (sleep, dynamic-html, uploader; or env
//	                                SEBS_BENCH_NODEJS=1); the first run builds the Node.js image
//
// With SEBS_RESULTS_DIR=<dir> (make bench RESULTS=<dir>) every call goes to <dir>/samples.jsonl as it
// completes, and experiments.json and perf-cost/result.csv are written when the run ends (see DESIGN.md).
//
// The package has no non-test code.
package benchmarks
