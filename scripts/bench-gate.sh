#!/usr/bin/env bash
# Benchmarks a base revision and the working tree interleaved on this machine, then fails on a significant
# slowdown (see cmd/sebs-gate). Usage: scripts/bench-gate.sh BASE_REV PKG BENCH_REGEXP COUNT BENCHTIME THRESHOLD
set -euo pipefail
base_rev=${1:-HEAD} pkg=${2:-./benchmarks} bench=${3:-.} count=${4:-10} benchtime=${5:-1s} threshold=${6:-0.10}
top=$(git rev-parse --show-toplevel)
out=${GATE_OUT:-$top/out/gate}
mkdir -p "$out"
work=$(mktemp -d)
trap 'git -C "$top" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "gate: base $(git -C "$top" rev-parse --short "$base_rev") against the working tree; $pkg -bench '$bench' -count $count -benchtime $benchtime"
git -C "$top" worktree add --detach "$work/base" "$base_rev" >/dev/null
if [ ! -d "$work/base/$pkg" ]; then
	echo "gate: the base revision has no $pkg; nothing to compare against" >&2
	exit 2
fi
(cd "$work/base" && go test -c -o "$work/base.test" "$pkg")
(cd "$top" && go test -c -o "$work/head.test" "$pkg")
: >"$out/base.txt"
: >"$out/head.txt"
# Interleave base and head so drift on a shared, noisy machine hits both alike.
for i in $(seq 1 "$count"); do
	echo "gate: round $i of $count"
	(cd "$work/base/$pkg" && "$work/base.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.count 1 >>"$out/base.txt")
	(cd "$top/$pkg" && "$work/head.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.count 1 >>"$out/head.txt")
done
(cd "$top" && go tool benchstat base="$out/base.txt" head="$out/head.txt") || true
(cd "$top" && go run ./cmd/sebs-gate -threshold "$threshold" "$out/base.txt" "$out/head.txt")
