// Package netnsengine starts a second Docker daemon for tests: a "remote" engine on this machine, in a
// network namespace of its own, reachable from the test process only through a veth pair and only over
// TCP with TLS certificates made for the test.
//
// The daemon has its own data root, exec root, pid file, containerd, bridge (inside the namespace) and
// cgroup parent, and its own configuration file, so it shares nothing with the machine's Docker daemon:
// not its socket, its bridge docker0, its iptables rules (the daemon writes its rules in its namespace)
// nor its data. It also runs in a mount namespace of its own (its mounts never reach this side) and a PID
// namespace of its own under docker-init, so, as with a real remote engine, the container PIDs it
// reports do not name processes here and memory must come from the Docker stats API; the namespace has
// no route beyond the veth pair, so the engine cannot pull images (build them on it). Everything it creates is named after a common prefix, the address index and the owning
// test process (PID and start time), so [SweepStale] can remove what a killed test left behind; [Start]
// runs it first.
//
//	eng, err := netnsengine.Start(ctx, netnsengine.Options{})
//	if err != nil { ... }
//	defer eng.Close()
//	cmd.Env = append(os.Environ(), eng.Env()...) // DOCKER_HOST=tcp://10.212.x.2:2376, TLS on
//
// Start needs root, iproute2 (ip), util-linux (nsenter, unshare, mount) and Debian's docker.io (dockerd,
// containerd, runc, docker-init, iptables); [Check] says which is missing. The command remote-engine
// (./internal/netnsengine/cmd/remote-engine) runs any command, a go test for instance, against a fresh
// engine.
package netnsengine
