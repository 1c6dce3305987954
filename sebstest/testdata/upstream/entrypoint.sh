#!/bin/bash
# Upstream's contract: start as root, make the caller's user, hand /sebs to it, run the command as it.
set -euo pipefail
: "${CONTAINER_UID:?CONTAINER_UID is not set}" "${CONTAINER_GID:?CONTAINER_GID is not set}" "${CONTAINER_USER:?CONTAINER_USER is not set}"
useradd --non-unique -m -u "$CONTAINER_UID" "$CONTAINER_USER"
groupmod --non-unique -g "$CONTAINER_GID" "$CONTAINER_USER"
chown -R "$CONTAINER_USER" /sebs
export HOME="/home/$CONTAINER_USER"
exec setpriv --reuid="$CONTAINER_UID" --regid="$CONTAINER_GID" --init-groups "$@"
