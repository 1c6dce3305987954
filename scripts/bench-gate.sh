#!/usr/bin/env bash
# Kept for old CI scripts: the whole procedure now lives in cmd/sebs-gate (`make gate`, or run it
# directly). Usage: scripts/bench-gate.sh BASE_REV PKG BENCH_REGEXP COUNT BENCHTIME THRESHOLD [-- TEST FLAGS]
set -euo pipefail
base_rev=${1:-HEAD} pkg=${2:-./benchmarks} bench=${3:-.} count=${4:-10} benchtime=${5:-1s} threshold=${6:-0.10}
shift $(($# < 6 ? $# : 6))
top=$(git rev-parse --show-toplevel)
cd "$top"
mkdir -p bin
go build -o bin/sebs-gate ./cmd/sebs-gate # not go run, which turns exit status 2 into 1
exec bin/sebs-gate -base "$base_rev" -bench "$bench" -count "$count" -benchtime "$benchtime" \
	-threshold "$threshold" -o "${GATE_OUT:-$top/out/gate}" "$pkg" "$@"
