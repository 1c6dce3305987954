//go:build linux

package netnsengine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// Addresses. Engine i has the veth pair 10.212.i.1 (host end) / 10.212.i.2 (namespace end), a /30 of
// its own; its containers sit on a bridge inside the namespace, where no other engine can see it.
const (
	maxIndex   = 255
	bridgeName = "sebsbr0"
	bridgeCIDR = "10.213.0.1/24"
	netnsDir   = "/run/netns"
	lockPath   = "/run/sebs-netns.lock"
)

// addrs returns the host end's and the namespace end's address for index i.
func addrs(i int) (host, ns netip.Addr) {
	return netip.AddrFrom4([4]byte{10, 212, byte(i), 1}), netip.AddrFrom4([4]byte{10, 212, byte(i), 2})
}

// nsVeth is the namespace end of the veth pair for index i.
func nsVeth(i int) string { return fmt.Sprintf("%s%dn", vethPrefix, i) }

// lock takes the machine-wide lock that makes choosing an index and creating its namespace one step
// across processes, and that a sweep holds while it decides what is stale. The returned function
// releases it.
func lock() (func(), error) {
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("netnsengine: open lock %s: %w", lockPath, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("netnsengine: lock %s: %w", lockPath, err)
	}
	return func() { f.Close() }, nil
}

// freeIndex returns an address index that no namespace, interface name or interface address of this
// machine uses. Call it under [lock].
func freeIndex() (int, error) {
	used := map[int]bool{}
	names, err := namespaces()
	if err != nil {
		return 0, err
	}
	for _, ns := range names {
		if n, ok := parseName(ns); ok {
			used[n.index] = true
		}
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return 0, fmt.Errorf("netnsengine: list interfaces: %w", err)
	}
	ours := netip.MustParsePrefix("10.212.0.0/16")
	for _, ifc := range ifaces {
		if i, ok := parseVeth(ifc.Name); ok {
			used[i] = true
		}
		as, _ := ifc.Addrs()
		for _, a := range as {
			p, err := netip.ParsePrefix(a.String())
			if err == nil && ours.Contains(p.Addr()) {
				used[int(p.Addr().As4()[2])] = true
			}
		}
	}
	for i := 0; i <= maxIndex; i++ {
		if !used[i] {
			return i, nil
		}
	}
	return 0, errors.New("netnsengine: all 256 address indexes of 10.212.0.0/16 are in use: run SweepStale or close engines")
}

// namespaces lists the names of the named network namespaces (those iproute2 keeps in /run/netns).
func namespaces() ([]string, error) {
	ents, err := os.ReadDir(netnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("netnsengine: list network namespaces: %w", err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}

// createNetwork makes the namespace, the veth pair with its addresses, and the containers' bridge in
// the namespace. The namespace has no default route: from inside, only the host end is reachable.
func createNetwork(ctx context.Context, n resourceName) error {
	host, ns := addrs(n.index)
	if err := ip(ctx, "netns", "add", n.String()); err != nil {
		return err
	}
	hostCmds := fmt.Sprintf("link add %[2]s type veth peer name %[3]s netns %[1]s\n"+
		"addr add %[4]s/30 dev %[2]s\nlink set %[2]s up\n", n, n.hostVeth(), nsVeth(n.index), host)
	if err := ipBatch(ctx, "", hostCmds); err != nil {
		return err
	}
	nsCmds := fmt.Sprintf("link set lo up\naddr add %[1]s/30 dev %[2]s\nlink set %[2]s up\n"+
		"link add %[3]s type bridge\naddr add %[4]s dev %[3]s\nlink set %[3]s up\n", ns, nsVeth(n.index), bridgeName, bridgeCIDR)
	return ipBatch(ctx, n.String(), nsCmds)
}

// deleteNetwork removes the host end of the veth pair (which removes both ends) and the namespace; what
// does not exist is not an error. Processes still in the namespace keep it alive (unnamed) until they end.
func deleteNetwork(ctx context.Context, n resourceName) error {
	var errs []error
	if _, err := net.InterfaceByName(n.hostVeth()); err == nil {
		errs = append(errs, ip(ctx, "link", "del", n.hostVeth()))
	}
	if _, err := os.Stat(netnsDir + "/" + n.String()); err == nil {
		errs = append(errs, ip(ctx, "netns", "del", n.String()))
	}
	return errors.Join(errs...)
}

// ip runs iproute2's ip with args.
func ip(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("netnsengine: ip %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// ipBatch runs ip commands, one a line, in namespace ns ("" for this one); it stops at the first error.
func ipBatch(ctx context.Context, ns, cmds string) error {
	args := []string{"-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Stdin = strings.NewReader(cmds)
	out, err := cmd.CombinedOutput()
	if err != nil {
		where := "on the host"
		if ns != "" {
			where = "in namespace " + ns
		}
		return fmt.Errorf("netnsengine: set up the network %s: %w: %s\ncommands:\n%s", where, err, bytes.TrimSpace(out), cmds)
	}
	return nil
}
