# Everything runs with the engine addressed through loopback: on machines that are themselves containers,
# testcontainers-go would otherwise guess the bridge gateway. Ryuk cannot be pulled where no registry is
# reachable; our own labels and sweep clean up instead (README, "Nothing left behind").
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1
export TESTCONTAINERS_RYUK_DISABLED ?= true

GO           ?= go
PKGS         ?= ./...
# Bounded defaults for 2-core CI machines; raise them for longer runs.
# FUZZTIME is a count (Nx) by default: scripts/fuzz.sh says why; a duration such as 5m works too.
FUZZTIME     ?= 10000x
BENCHTIME    ?= 1s
COUNT        ?= 1
TEST_TIMEOUT ?= 20m
# Test packages run at once. On 2 cores three at a time took 12 min 52 s and two 13 min 18 s from a fresh
# clone (2026-12-01); the machine is CPU-bound with three. TEST_P=2 is gentler on a loaded machine.
TEST_P       ?= 3
# The test packages that take 20 s or more, longest first (go test runs packages in the order given): left in
# ./...'s alphabetical order, sebstest started last and ran alone for its last minutes, and a 55-s package
# started near the end kept the run going after the others were done.
LONG_PKGS    ?= ./reliability ./sebstest ./internal/netnsengine/remotetest ./regression ./sebstest/bench ./benchmarks \
	./fixtures/python ./internal/cgroupmem ./cmd/sebs-merge ./internal/minioimage ./internal/sweep ./internal/netnsengine \
	./internal/gate ./sebsdir ./fixtures/nodejs ./internal/lambdaimage
# make bench RESULTS=out/run1 writes experiments.json, perf-cost/result.csv and samples.jsonl there.
RESULTS      ?=
ifneq ($(RESULTS),)
export SEBS_RESULTS_DIR := $(abspath $(RESULTS))
endif
# The suite: sizes, modes, concurrency, Python, Node.js. Warm and sequential iterations take milliseconds and run for
# BENCHTIME; cold and burst iterations take a second or more and run COLD_BENCHTIME times.
SUITE        ?= ^Benchmark(Sleep|DynamicHTML|Graph)
SIZES        ?= test,small
MODES        ?= warm,sequential
COLD_MODES   ?= cold,burst
COLD_BENCHTIME ?= 3x
CONCURRENCY  ?= 2
PYTHON       ?= true
NODEJS       ?= true
SUITE_FLAGS   = -sebs.sizes=$(SIZES) -sebs.concurrency=$(CONCURRENCY) -sebs.python=$(PYTHON) -sebs.nodejs=$(NODEJS)
# The performance gate: make gate BASE=origin/main
BASE         ?= HEAD
GATE_PKG     ?= ./benchmarks
GATE_BENCH   ?= .
GATE_COUNT   ?= 10
GATE_BENCHTIME ?= 1s
GATE_THRESHOLD ?= 0.10
# Flags for the benchmark binaries, e.g. GATE_ARGS='-sebs.python=false -sebs.modes=sequential'
GATE_ARGS    ?=

.PHONY: all setup bench-setup test unit vet cross bench bench-harness bench-overhead bench-model fuzz load gate plot python-image nodejs-image storage-image clean clean-images

all: test

## setup: install what a fresh Debian machine lacks (as root: debootstrap for the Python and Node.js images,
## node for the Node.js server's host tests, wrk for the load comparison); otherwise say what to install.
## make test and make bench run it.
SETUP_TOOLS ?= debootstrap nodejs wrk
setup:
	scripts/setup.sh $(SETUP_TOOLS)

## test: what CI runs: setup, vet, the Python, Node.js and MinIO images (built once per machine, with their
## progress shown), every test (unit and Docker integration; -vet=off, since vet has just run every analyzer
## go test's own vet would, and more; -ldflags=-w, test binaries without DWARF, which links faster), then
## each fuzz target for FUZZTIME.
test: setup vet python-image nodejs-image storage-image
	$(GO) test -p $(TEST_P) -vet=off -ldflags=-w -count=1 -timeout $(TEST_TIMEOUT) $(if $(filter ./...,$(PKGS)),$(LONG_PKGS)) $(PKGS)
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

## unit: the tests that need no Docker engine (short mode).
unit:
	$(GO) test -short -count=1 ./ ./serve/ ./fixtures/... ./internal/... ./plot/...

## vet: go vet, and the library a user imports (the model, serve, sebstest and its packages, the fixtures)
## built for Windows, where a Docker Desktop user compiles it: Unix-only system calls stay behind build tags
## (about a minute on a cold build cache, as in a fresh CI machine; seconds once cached).
## cross: all of it vetted for Windows and macOS as well, tests included (3 minutes on a cold build cache).
LIBRARY_PKGS = ./ ./serve/... ./sebstest/... ./fixtures/...
vet:
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) build $(LIBRARY_PKGS)

cross:
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...

## bench: the benchmark suite over the built-in fixture functions (go test -bench, benchstat-ready).
## With PYTHON=false NODEJS=false it needs neither root nor debootstrap. The test binary is built once and
## run twice (warm modes for BENCHTIME, cold modes COLD_BENCHTIME times): the same flags and output as two
## go test runs, one build (issue 16: where make bench's time goes is in the README).
BENCH_RUN = cd benchmarks && ../bin/benchmarks.test -test.run '^$$' -test.bench '$(SUITE)' -test.benchmem \
	-test.count $(COUNT) -test.timeout 60m $(SUITE_FLAGS)
bench: $(if $(filter true,$(PYTHON) $(NODEJS)),bench-setup) $(if $(filter true,$(PYTHON)),python-image) $(if $(filter true,$(NODEJS)),nodejs-image)
	mkdir -p bin
	$(GO) test -c -o bin/benchmarks.test ./benchmarks/
	$(BENCH_RUN) -test.benchtime $(BENCHTIME) -sebs.modes=$(MODES)
	$(BENCH_RUN) -test.benchtime $(COLD_BENCHTIME) -sebs.modes=$(COLD_MODES)

bench-setup:
	scripts/setup.sh debootstrap

## bench-overhead: the harness against plain net/http on one warm container, six interleaved rounds.
bench-overhead:
	mkdir -p bin out
	$(GO) test -c -o bin/benchmarks.test ./benchmarks/
	cd benchmarks && for i in 0 1 2 3 4 5; do ../bin/benchmarks.test -test.run '^$$' -test.bench HarnessOverhead -sebs.rotate $$i; done > ../out/overhead.txt
	$(GO) tool benchstat -col /impl -ignore /round out/overhead.txt

## bench-harness: sebstest's cold start against a plain Docker API start (create, start, 1 ms poll, first
## result) on the same image, and a warm invocation against plain net/http on the same container. Six
## rounds; odd rounds run the list forwards, even rounds backwards, so neither side always follows the
## Docker churn of the cold starts.
HARNESS_BENCHES = ColdStart/impl=sebstest ColdStart/impl=docker-api ColdStart/impl=sebstest-published ColdStart/impl=docker-api-published \
	WarmInvoke/mode=fresh/impl=sebs WarmInvoke/mode=fresh/impl=net-http \
	WarmInvoke/mode=keepalive/impl=sebs WarmInvoke/mode=keepalive/impl=net-http
bench-harness:
	mkdir -p bin out
	$(GO) test -c -o bin/sebstest.test ./sebstest/
	cd sebstest && for i in 1 2 3 4 5 6; do \
		list="$(HARNESS_BENCHES)"; [ $$((i % 2)) -eq 0 ] && list=$$(printf '%s\n' $$list | tac); \
		for b in $$list; do \
			case $$b in ColdStart*) bt=5x;; *) bt=1s;; esac; \
			../bin/sebstest.test -test.run '^$$' -test.bench "^Benchmark$$b$$" -test.benchtime $$bt -test.benchmem; \
		done; done > ../out/harness.txt
	$(GO) tool benchstat -filter '.name:ColdStart' -col /impl out/harness.txt
	$(GO) tool benchstat -filter '.name:WarmInvoke' -col /impl out/harness.txt

## bench-model: the HTTP trigger against plain net/http on an httptest server (no Docker), interleaved in
## six rounds so drift on a shared machine hits both alike.
bench-model:
	mkdir -p bin out
	$(GO) test -c -o bin/sebs.test .
	for i in 1 2 3 4 5 6; do for b in HTTPTrigger NetHTTP; do \
		./bin/sebs.test -test.run '^$$' -test.bench "^Benchmark$$b$$" -test.benchmem; done; done > out/model.txt
	$(GO) tool benchstat -col .name out/model.txt

## fuzz: each fuzz target of each package for FUZZTIME; crashers land in that package's testdata/fuzz.
fuzz:
	GO=$(GO) ./scripts/fuzz.sh $(FUZZTIME)

## load: the long load test (200,000 calls a mode, 20 s of wrk), with its figures in out/load.json.
load:
	mkdir -p out
	SEBS_LOAD_CALLS=$${SEBS_LOAD_CALLS:-200000} SEBS_WRK_SECONDS=$${SEBS_WRK_SECONDS:-20} SEBS_LOAD_REPORT=$(abspath out/load.json) \
		$(GO) test -count=1 -timeout 30m -run '^TestLoad$$' -v ./reliability/

## gate: benchmark BASE and the working tree interleaved, fail on a significant slowdown above GATE_THRESHOLD
## (cmd/sebs-gate; results in out/gate). Built, not `go run`, which would turn its exit status 2 into 1.
gate:
	$(GO) build -o bin/sebs-gate ./cmd/sebs-gate
	bin/sebs-gate -base '$(BASE)' -bench '$(GATE_BENCH)' -count $(GATE_COUNT) -benchtime $(GATE_BENCHTIME) \
		-threshold $(GATE_THRESHOLD) -o out/gate $(GATE_PKG) -- $(GATE_ARGS)

## plot: an SVG report from a results folder: make plot RESULTS=out/run1
plot:
	@test -n "$(RESULTS)" || { echo "make plot needs RESULTS=<folder with samples.jsonl>"; exit 2; }
	$(GO) run ./cmd/sebs-plot $(RESULTS)

## python-image: build the Python base image from Debian packages (once per machine, about a minute).
python-image:
	bash fixtures/python/image/build.sh

## nodejs-image: build the Node.js base image from Debian packages (once per machine, about a minute).
nodejs-image:
	bash fixtures/nodejs/image/build.sh

## storage-image: build the MinIO server image that object storage runs on, from the Go module proxy (once
## per machine, about 12 minutes on two cores; progress shown). make test builds it first, so no test waits
## for it.
storage-image:
	$(GO) run ./internal/minioimage/cmd/minio-image

## clean: remove build output, and containers, networks and build leftovers of ours whose owner is gone
## (also the work directories of Python and Node.js image builds that were killed).
clean:
	rm -rf bin out
	$(GO) run ./cmd/sebs-clean
	bash fixtures/python/image/build.sh --clean
	bash fixtures/nodejs/image/build.sh --clean

## clean-images: clean, and remove the function images kept for reuse too (they are rebuilt on demand).
clean-images: clean
	$(GO) run ./cmd/sebs-clean -images

## test-remote: a second Docker daemon in a network namespace, its API on TCP with TLS through a veth pair
## (needs root, iproute2 and Debian's docker.io; fails under CI=true when it cannot run): build, run, call,
## Docker stats and removal on it, nothing left on either engine, and the sweep of a killed run's engine;
## then sebstest's integration tests (sebstest, sebstest/bench, internal/cgroupmem, internal/sweep) and
## BenchmarkSleep against a fresh engine (internal/netnsengine/remotetest). make test runs both too, with
## only the tests whose path through the engine differs when it is remote (about 3 minutes instead of 7).
## REMOTE_RUN narrows the tests (a -run pattern; . is all of them); each run's whole output goes to out/remote.
REMOTE_RUN ?= .
.PHONY: test-remote
test-remote:
	mkdir -p out/remote
	SEBS_REMOTE_RUN='$(REMOTE_RUN)' SEBS_REMOTE_LOGS=$(abspath out/remote) \
		$(GO) test -count=1 -timeout 30m -v -run . ./internal/netnsengine/...

## test-podman: sebstest's integration tests and BenchmarkSleep against Podman's Docker-compatible API
## (rootful, a private service, socket and storage, stopped at the end; scripts/test-podman.sh). Not in
## make test: the README lists what passes and what does not. Output in out/podman.log.
.PHONY: test-podman
test-podman:
	GO=$(GO) scripts/test-podman.sh

.PHONY: fidelity
## fidelity: the observer check of issue 16: a tcpdump capture on lo against kernel receive stamps and the
## user-space trace of the same FIDELITY_CALLS fresh-connection calls (root; installs tcpdump if missing).
FIDELITY_CALLS ?= 500
fidelity:
	GO=$(GO) scripts/fidelity.sh $(FIDELITY_CALLS)

## Sharded runs (issue 15): make bench SHARD=k/n RESULTS=out/shard-k runs shard k of n of the suite (its
## benchmark/language/mode units, chosen by a stable hash: -sebs.shard in benchmarks/shard_test.go), one
## shard a machine; make merge MERGED=out/merged SHARDS='out/shard-1 out/shard-2' then writes one
## experiments.json, perf-cost/result.csv, samples.jsonl and report.svg from the shards' folders.
SHARD        ?=
MERGED       ?= out/merged
SHARDS       ?=
ifneq ($(SHARD),)
SUITE_FLAGS += -sebs.shard=$(SHARD)
endif

.PHONY: merge
merge:
	@test -n "$(SHARDS)" || { echo "make merge needs SHARDS='<results dir> ...' (and MERGED=<new dir>, default out/merged)"; exit 2; }
	$(GO) run ./cmd/sebs-merge $(MERGED) $(SHARDS)

.PHONY: bench-fidelity
## bench-fidelity: issue 16's ratios from one interleaved run of FIDELITY_ROUNDS rounds (a minute or two
## each): the trigger and bench.Run against bare net/http, fresh and keep-alive, on the container's bridge
## address and on its published port (the bridge against the published port beside it); bench.Run's warm
## mode at concurrency 64 against a bare net/http loop and wrk on the same container. The overhead runs in
## FIDELITY_BLOCKS blocks, each a short ABBA of every path and connection mode with FIDELITY_CALLS calls
## per sub-benchmark (800 per implementation and block), turned one place further than the block before;
## it is paired within each block and each process's ratio is its blocks' median, so a drift of the
## machine over seconds cancels out. The load benchmark runs in FIDELITY_LOAD_BLOCKS blocks of its own
## (an ABBA of its implementations each, FIDELITY_BENCHTIME per sub-benchmark), paired the same way. Round i turns the order of the implementations by i places
## (-sebs.rotate), so that none always runs first or last: with a multiple of 12 rounds every load
## implementation runs in every place equally often. Raw in out/fidelity-bench.txt; the paired ratios
## (internal/cmd/paired) are the per-process ratios' median over the processes.
FIDELITY_ROUNDS      ?= 6
FIDELITY_BENCHTIME   ?= 1s
FIDELITY_BLOCKS      ?= 6
FIDELITY_CALLS       ?= 400
FIDELITY_LOAD_BLOCKS ?= 3
bench-fidelity:
	mkdir -p bin out
	$(GO) test -c -o bin/benchmarks.test ./benchmarks/
	cd benchmarks && for i in $$(seq 0 $$(($(FIDELITY_ROUNDS) - 1))); do \
		../bin/benchmarks.test -test.run '^$$' -test.bench '^BenchmarkHarnessOverhead$$' -test.benchtime $(FIDELITY_CALLS)x \
			-test.benchmem -sebs.blocks $(FIDELITY_BLOCKS) -sebs.rotate $$i && \
		../bin/benchmarks.test -test.run '^$$' -test.bench '^BenchmarkLoadOverhead$$' -test.benchtime $(FIDELITY_BENCHTIME) \
			-test.benchmem -sebs.blocks $(FIDELITY_LOAD_BLOCKS) -sebs.rotate $$i || exit 1; \
		done > ../out/fidelity-bench.txt
	@echo "== overhead: each implementation against impl=net-http on the same path and connection mode (target +2%)"
	$(GO) tool benchstat -filter '.name:HarnessOverhead' -row /path,/conn -col '/impl@(net-http trigger sebstest)' -ignore /round,/block out/fidelity-bench.txt
	@echo "== path: the published port (Docker's proxy) against the bridge address, same implementation"
	$(GO) tool benchstat -filter '.name:HarnessOverhead' -row /conn,/impl -col '/path@(bridge published)' -ignore /round,/block out/fidelity-bench.txt
	@echo "== load: 64 callers, keep-alive, one container (target: sebstest within -5% of net-http's calls/s)"
	$(GO) tool benchstat -filter '.name:LoadOverhead' -col '/impl@(net-http sebstest sebstest-unrecorded wrk)' -ignore /round,/block out/fidelity-bench.txt
	@echo "== paired: each implementation's ratio to net-http within each process (within each block,"
	@echo "   then the blocks' median), over the processes (benchstat above pools every run instead)"
	$(GO) run ./internal/cmd/paired -base net-http -units sec/op,calls/s,cpu-sec/call out/fidelity-bench.txt
	$(GO) run ./internal/cmd/paired -key path -base bridge -units sec/op out/fidelity-bench.txt

## bench-sebs: BenchmarkSeBSDir over SeBS benchmark directories in upstream's layout (SEBS_DIRS: directories
## or benchmarks roots, comma-separated, e.g. SEBS_DIRS=../serverless-benchmarks/benchmarks; default
## $SEBS_BENCHMARK_DIRS, else our fixtures/upstream), in Python, every output checked by the directory's own
## validate_output. Benchmarks that need object storage run on a MinIO server; SEBS_DATA (default
## $SEBS_BENCHMARKS_DATA, else our fixtures' data when SEBS_DIRS is the default) is upstream's
## benchmarks-data. Benchmarks that need NoSQL are skipped with the reason. SIZES, MODES, COLD_MODES,
## BENCHTIME, COLD_BENCHTIME, CONCURRENCY and RESULTS work as for make bench.
SEBS_DIRS ?= $(or $(SEBS_BENCHMARK_DIRS),fixtures/upstream)
SEBS_DATA ?= $(or $(SEBS_BENCHMARKS_DATA),$(if $(filter fixtures/upstream,$(SEBS_DIRS)),fixtures/upstream/testdata/benchmarks-data))
sebs_comma := ,
sebs_space := $(subst ,, )
SEBS_DIRS_ABS = $(subst $(sebs_space),$(sebs_comma),$(abspath $(subst $(sebs_comma),$(sebs_space),$(SEBS_DIRS))))
SEBS_FLAGS = -sebs.dirs=$(SEBS_DIRS_ABS) -sebs.sizes=$(SIZES) -sebs.concurrency=$(CONCURRENCY) $(if $(SEBS_DATA),-sebs.data=$(abspath $(SEBS_DATA)))
.PHONY: bench-sebs
bench-sebs: bench-setup python-image
	$(GO) test -run '^$$' -bench '^BenchmarkSeBSDir$$' -benchmem -benchtime $(BENCHTIME) -count $(COUNT) -timeout 60m ./benchmarks/ $(SEBS_FLAGS) -sebs.modes=$(MODES)
	$(GO) test -run '^$$' -bench '^BenchmarkSeBSDir$$' -benchmem -benchtime $(COLD_BENCHTIME) -count $(COUNT) -timeout 60m ./benchmarks/ $(SEBS_FLAGS) -sebs.modes=$(COLD_MODES)
