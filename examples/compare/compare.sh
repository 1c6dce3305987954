#!/usr/bin/env bash
# A CI job comparing two versions of a function, as a user's module would run it on a pull request.
#
# The essential step is one line, run from the module's root on the pull request's checkout:
#
#     go tool sebs-gate -base origin/main ./benchmarks
#
# (or, without the tool directive in go.mod: go run github.com/gosebs/sebs/cmd/sebs-gate@<version> ...).
# It benchmarks origin/main and the checkout interleaved on this machine and exits 1 when a metric got
# significantly slower by more than 10%.
#
# To show that here, this script copies the module into a new git repository, commits the function as
# "main", then plays a pull request on a branch: "slower" (the default) replaces function/primes.go with
# changes/primes_slower.go (trial division instead of a sieve); "same" changes nothing but a comment, the
# no-change comparison that must pass. Needs Docker, git and Go.
#
# Usage: examples/compare/compare.sh [slower|same]
# Environment: COUNT (rounds, default 6), BENCHTIME (default 1s), OUT (default examples/compare/out),
# SEBS_LIBRARY (the library checkout to build against, default this one), GATE (the comparison command,
# default `go tool sebs-gate`, i.e. cmd/sebs-gate of SEBS_LIBRARY).
set -euo pipefail
change=${1:-slower}
case $change in slower | same) ;; *) echo "usage: $0 [slower|same]" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$here/out}
library=${SEBS_LIBRARY:-$root}
gate=${GATE:-go tool sebs-gate}
export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}
export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/module"
(cd "$here" && tar --exclude=./out -cf - .) | tar -xf - -C "$work/module"
cd "$work/module"
go mod edit -replace "github.com/gosebs/sebs=$library" # the copy is not beside the library any more
git init -q -b main
git add -A
git -c user.name=ci -c user.email=ci@example.com commit -q -m "primes: sieve"

git checkout -q -b pull-request
if [ "$change" = slower ]; then
	sed '/^\/\/go:build ignore$/d' changes/primes_slower.go >function/primes.go
	msg="primes: trial division"
else
	sed -i '1s|$| (a comment changed)|' function/main.go
	msg="primes: comment only"
fi
git -c user.name=ci -c user.email=ci@example.com commit -q -am "$msg"

# The CI step: compare the pull request against main.
$gate -base main -count "${COUNT:-6}" -benchtime "${BENCHTIME:-1s}" -o "$out" ./benchmarks
