#!/usr/bin/env bash
# test-podman.sh: sebstest's Docker integration tests and one benchmark (BenchmarkSleep, Go) against
# Podman's Docker-compatible API, rootful, as testcontainers-go documents it: DOCKER_HOST at the service's
# socket, TESTCONTAINERS_RYUK_DISABLED=true. make test-podman runs it; it is not part of make test.
#
# The service runs on a socket, storage root and run root of its own under a temporary directory (the
# machine's Podman storage, if any, is not touched), and is stopped, and its directory removed, on exit,
# whatever the tests did. The Python base image is copied from the local Docker engine when it has it
# (docker save | podman load); otherwise the Python tests fail with PythonImage's error (it would build it
# with debootstrap and docker import).
#
# Environment: PODMAN_TEST_RUN (a -run pattern, default all), PODMAN_LOG (the go test output, default
# out/podman.log). Needs root and podman (as root on Debian it installs podman).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "test-podman: needs root (rootful Podman service)" >&2; exit 2; }
if ! command -v podman >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || { echo "test-podman: install podman" >&2; exit 2; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
fi

dir=$(mktemp -d /tmp/sebs-podman-XXXXXX)
log=${PODMAN_LOG:-out/podman.log}
mkdir -p "$(dirname "$log")"
pm() { podman --root "$dir/root" --runroot "$dir/run" "$@"; }

service=
cleanup() {
	local code=$?
	if [ -n "$service" ]; then
		pm rm -af -t 0 >/dev/null 2>&1 || true
		kill "$service" 2>/dev/null || true
		wait "$service" 2>/dev/null || true
		if kill -0 "$service" 2>/dev/null; then echo "test-podman: the service (pid $service) still runs" >&2; code=1; fi
	fi
	pm system reset -f >/dev/null 2>&1 || true
	rm -rf "$dir"
	exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Podman (rootful) gives every container RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 by default; where
# this process may not raise its limits that far (in a container, say), runc fails with "error setting
# rlimit type 7 (6): operation not permitted". Give containers the limits the service itself has.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -le 32768 ] || nproc=32768 # podman lowers its own NPROC to 32768
cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
EOF

sock="$dir/podman.sock"
# podman itself, not through pm (a function: $! would be a subshell's, and killing it would leave podman)
CONTAINERS_CONF="$dir/containers.conf" podman --root "$dir/root" --runroot "$dir/run" \
	system service -t 0 "unix://$sock" >"$dir/service.log" 2>&1 &
service=$!
for _ in $(seq 100); do
	curl -sf --unix-socket "$sock" http://podman/_ping >/dev/null 2>&1 && break
	kill -0 "$service" 2>/dev/null || { cat "$dir/service.log" >&2; echo "test-podman: the service exited" >&2; exit 1; }
	sleep 0.1
done
echo "test-podman: $(pm version --format '{{.Server.Version}}' 2>/dev/null) at unix://$sock"

tag=$(bash fixtures/python/image/build.sh --print-tag)
if docker image inspect "$tag" >/dev/null 2>&1; then
	SECONDS=0
	docker save "$tag" | pm load -q >/dev/null
	echo "test-podman: copied $tag from the local engine in $SECONDS s"
else
	echo "test-podman: the local engine has no $tag (make python-image): the Python tests will try to build it"
fi

export DOCKER_HOST="unix://$sock" TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH
code=0
SECONDS=0
${GO:-go} test -count=1 -timeout 20m -v -run "${PODMAN_TEST_RUN:-.}" \
	./sebstest/ ./sebstest/bench/ ./internal/cgroupmem/ ./internal/sweep/ >"$log" 2>&1 || code=$?
${GO:-go} test -count=1 -timeout 10m -v -run '^$' -bench '^BenchmarkSleep$' -benchtime 3x ./benchmarks/ \
	-sebs.python=false -sebs.sizes=test -sebs.modes=warm,cold -sebs.concurrency=1 >>"$log" 2>&1 || code=$?
echo "test-podman: $SECONDS s; go test exit status $code; output in $log"
grep -E '^(--- FAIL|FAIL|ok )|^Benchmark.*ns/op' "$log" || true
left=$(pm ps -aq | wc -l)
[ "$left" = 0 ] || { echo "test-podman: $left containers left on the Podman engine" >&2; code=1; }
exit "$code"
