#!/usr/bin/env bash
# make fidelity: the observer check of issue 16. A packet capture on lo (tcpdump) sees N fresh-connection
# calls to a local HTTP server; the same calls' first-byte and startup times from kernel receive stamps and
# from the user-space trace are compared with it (median and p95 excess over the capture). Needs root for
# the capture; installs Debian's tcpdump when it is missing. Not part of make test.
#   usage: scripts/fidelity.sh [calls]   (default 500)
set -euo pipefail
calls=${1:-500}
GO=${GO:-go}
if ! command -v tcpdump >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "fidelity: tcpdump is missing; install it (apt-get install -y tcpdump) or run as root" >&2
		exit 2
	fi
	echo "fidelity: installing tcpdump from Debian" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y tcpdump >/dev/null
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "fidelity: the capture on lo needs root (or CAP_NET_RAW for tcpdump)" >&2
fi
cd "$(dirname "$0")/.."
SEBS_FIDELITY_CALLS=$calls TCPDUMP=$(command -v tcpdump) \
	$GO test -tags fidelity -count=1 -run '^TestKstampFidelity' -v . | grep -v '^=== RUN'
