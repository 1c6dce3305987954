#!/usr/bin/env bash
# setup.sh TOOL...: make sure what the tests and benchmarks need is on this machine, for a fresh clone.
# TOOL is one of:
#   docker       a Docker engine that answers (installs docker.io and starts dockerd when none does)
#   debootstrap  what builds the Python and Node.js base images; needed only while one of them is missing
#   nodejs       node 18 or later on the host, for the tests of the Node.js wrapper server outside Docker
#   wrk          the load generator the load test compares against
# Run as root on Debian (or Ubuntu), it installs what is missing with apt-get; otherwise it says what to
# install and fails for what the run cannot do without (docker; debootstrap while an image is missing),
# and warns for wrk and nodejs, whose tests then skip (or fail under CI=true).
# make test, make bench and .ci/run call it.
set -euo pipefail
cd "$(dirname "$0")/.."

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=
install() { # install PACKAGE
	if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
	echo "setup: installing $1"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing() { # missing PACKAGE WHY: say what to run instead
	echo "setup: $1 is missing ($2). Install it: sudo apt-get install $1 (or run make as root on Debian, which installs it)" >&2
}

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

setup_docker() {
	engine_answers && return 0
	if ! have dockerd; then
		can_install || { missing docker.io "no Docker engine answers"; return 1; }
		install docker.io
	fi
	[ "$(id -u)" = 0 ] || { echo "setup: no Docker engine answers; start dockerd (as root) or set DOCKER_HOST" >&2; return 1; }
	echo "setup: no Docker engine answers; starting dockerd (log in /tmp/sebs-dockerd.log)"
	nohup dockerd >/tmp/sebs-dockerd.log 2>&1 &
	for _ in $(seq 1 90); do
		timeout 5 docker info >/dev/null 2>&1 && return 0
		sleep 1
	done
	echo "setup: dockerd did not come up:" >&2
	tail -50 /tmp/sebs-dockerd.log >&2
	return 1
}

setup_debootstrap() {
	have debootstrap && return 0
	# As root on Debian, install it anyway: besides building missing images, the tests of killed and
	# cancelled image builds run it.
	if can_install; then install debootstrap; return 0; fi
	local lang tag lacking=
	for lang in python nodejs; do
		tag=$(bash "fixtures/$lang/image/build.sh" --print-tag)
		docker image inspect "$tag" >/dev/null 2>&1 || lacking="$lacking $tag"
	done
	[ -n "$lacking" ] || return 0 # the images are built: only the image-build tests will fail without it
	missing debootstrap "it builds the base images$lacking, which this engine does not have; or run make with PYTHON=false NODEJS=false"
	return 1
}

setup_nodejs() {
	have node && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' && return 0
	if can_install; then install nodejs; return 0; fi
	missing nodejs "the Node.js wrapper server's host tests are skipped without node 18 or later"
}

setup_wrk() {
	have wrk && return 0
	if can_install; then install wrk; return 0; fi
	missing wrk "the load test's comparison with wrk is skipped without it"
}

status=0
for tool in "$@"; do
	case $tool in
	docker) setup_docker || status=1 ;;
	debootstrap) setup_debootstrap || status=1 ;;
	wrk) setup_wrk ;;
	nodejs) setup_nodejs ;;
	*) echo "setup: unknown tool $tool (want docker, debootstrap, nodejs or wrk)" >&2; status=2 ;;
	esac
done
exit $status
