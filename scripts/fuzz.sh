#!/usr/bin/env bash
# fuzz.sh BUDGET: run every fuzz target of every package for BUDGET (a count such as 20000x, or a duration
# such as 5m), one target at a time. A crasher is written to that package's testdata/fuzz and fails the run;
# commit it there as a seed.
#
# Each package's test binary is built once, with fuzzing instrumentation (go test -c -fuzz), and run once per
# target from the package's folder, with the corpus cache go test itself uses: the same as `go test -fuzz`
# target by target, without a link per target (half the time of make fuzz went to those).
#
# A count budget is the default (make fuzz) because Go before 1.27 can fail a duration budget with a bare
# "context deadline exceeded" at the end of the window while a worker is still busy (golang/go#75804).
# Such a failure wrote no crasher, so it is reported as that bug, the target's committed seeds are run once
# more, and the run goes on. Every other failure fails the run.
set -euo pipefail
budget=${1:?usage: fuzz.sh BUDGET (e.g. 20000x or 30s)}
go=${GO:-go}
root=$(pwd)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cache="$("$go" env GOCACHE)/fuzz"

dirs=$(grep -l '^func Fuzz' $(find . -name '*_test.go' -not -path './out/*') | xargs -n1 dirname | sort -u)
for dir in $dirs; do
	pkg=$(cd "$dir" && "$go" list .)
	test="$bin/$(echo "$pkg" | tr / _).test"
	echo "fuzz: build $dir's test binary with fuzzing instrumentation"
	"$go" test -c -fuzz . -o "$test" "$dir"
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //'); do
		echo "fuzz $dir $target for $budget"
		corpus="$dir/testdata/fuzz/$target"
		before=$(ls "$corpus" 2>/dev/null | sort || true)
		log=$(mktemp)
		if (cd "$dir" && "$test" -test.run '^$' -test.fuzz "^$target\$" -test.fuzztime "$budget" \
			-test.fuzzcachedir "$cache/$pkg" -test.timeout 10m) 2>&1 | tee "$log"; then
			rm -f "$log"
			continue
		fi
		after=$(ls "$corpus" 2>/dev/null | sort || true)
		if [ "$before" = "$after" ] && grep -q 'context deadline exceeded' "$log" &&
			! grep -qE 'Failing input written|panic:' "$log"; then
			echo "fuzz: $target stopped with Go's end-of-window race (golang/go#75804), no crasher; running its seeds again"
			(cd "$dir" && "$test" -test.count=1 -test.run "^$target\$")
			rm -f "$log"
			continue
		fi
		rm -f "$log"
		echo "fuzz: $target failed. If a crasher was written, commit it as a seed:"
		(cd "$root" && git status --short -- "$dir/testdata/fuzz") || true
		exit 1
	done
done
