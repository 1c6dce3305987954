// Package netnsengine starts a second Docker daemon for tests: a "remote" engine on this machine, in a
// network namespace of its own, reachable from the test process only through a veth pair and only over
// TCP with TLS certificates made for the test.
//
// The daemon has its own data root, exec root, pid file, containerd, bridge (inside the namespace) and
// cgroup parent, and its own configuration file, so it shares nothing with the machine's Docker daemon:
// not its socket, its bridge docker0, its iptables rules (the daemon writes its rules in its namespace)
// nor its data. Everything it creates is named after a common prefix, the address index and the owning
// test process (PID and start time), so [SweepStale] can remove what a killed test left behind; [Start]
// runs it first.
//
//	eng, err := netnsengine.Start(ctx, netnsengine.Options{})
//	if err != nil { ... }
//	defer eng.Close()
//	cmd.Env = append(os.Environ(), eng.Env()...) // DOCKER_HOST=tcp://10.212.x.2:2376, TLS on
//
// Start needs root, iproute2 (ip), util-linux (nsenter, unshare, mount) and Docker's daemon (dockerd,
// containerd, runc, iptables); [Check] says which is missing.
package netnsengine
