#!/usr/bin/env bash
# fuzz.sh BUDGET: run every fuzz target of every package for BUDGET (a count such as 20000x, or a duration
# such as 5m), one target at a time. A crasher is written by go test to that package's testdata/fuzz and
# fails the run; commit it there as a seed.
#
# A count budget is the default (make fuzz) because Go before 1.27 can fail a duration budget with a bare
# "context deadline exceeded" at the end of the window while a worker is still busy (golang/go#75804).
# Such a failure wrote no crasher, so it is reported as that bug, the target's committed seeds are run once
# more, and the run goes on. Every other failure fails the run.
set -euo pipefail
budget=${1:?usage: fuzz.sh BUDGET (e.g. 20000x or 30s)}
go=${GO:-go}

dirs=$(grep -l '^func Fuzz' $(find . -name '*_test.go' -not -path './out/*') | xargs -n1 dirname | sort -u)
for dir in $dirs; do
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //'); do
		echo "fuzz $dir $target for $budget"
		corpus="$dir/testdata/fuzz/$target"
		before=$(ls "$corpus" 2>/dev/null | sort || true)
		log=$(mktemp)
		if "$go" test -run '^$' -fuzz "^$target\$" -fuzztime "$budget" "$dir" 2>&1 | tee "$log"; then
			rm -f "$log"
			continue
		fi
		after=$(ls "$corpus" 2>/dev/null | sort || true)
		if [ "$before" = "$after" ] && grep -q 'context deadline exceeded' "$log" &&
			! grep -qE 'Failing input written|panic:' "$log"; then
			echo "fuzz: $target stopped with Go's end-of-window race (golang/go#75804), no crasher; running its seeds again"
			"$go" test -count=1 -run "^$target\$" "$dir"
			rm -f "$log"
			continue
		fi
		rm -f "$log"
		echo "fuzz: $target failed. If a crasher was written, commit it as a seed:"
		git status --short -- "$dir/testdata/fuzz" || true
		exit 1
	done
done
