# launch.sh DIR COMMAND...: the last step before the daemon runs. The caller has entered the engine's
# network namespace and a mount namespace of its own whose mounts are slaves of the host's (nothing
# mounted here reaches the host). This gives the daemon a sysfs that shows the namespace's interfaces,
# keeps the host's cgroup hierarchies, hides a system containerd (so the daemon starts its own) and the
# host's /etc/docker (its daemon.json and identity key), then runs COMMAND.
set -eu
dir=$1
shift
mkdir -p "$dir/cgroup" "$dir/etc-docker"
mount --rbind /sys/fs/cgroup "$dir/cgroup"
mount -t sysfs sysfs /sys
mount --move "$dir/cgroup" /sys/fs/cgroup
if [ -e /run/containerd ]; then mount -t tmpfs -o size=1m,mode=0755 tmpfs /run/containerd; fi
if [ -d /etc/docker ]; then mount --bind "$dir/etc-docker" /etc/docker; fi
exec "$@"
