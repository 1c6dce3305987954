//go:build linux

package netnsengine

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// SweepStale removes what engines of processes that no longer run left on this machine: their daemons
// and containers (killed), cgroups, namespaces, veth pairs and directories (data roots included). An
// engine belongs to the process named in its resources' names (PID and start time), so engines of live
// processes, other tests' included, are left alone. It returns one line per engine or interface removed.
func SweepStale(ctx context.Context) ([]string, error) {
	unlock, err := lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	stale := map[string]resourceName{}
	var candidates []string
	nss, err := namespaces()
	if err != nil {
		return nil, err
	}
	candidates = append(candidates, nss...)
	if ents, err := os.ReadDir(os.TempDir()); err == nil {
		for _, e := range ents {
			candidates = append(candidates, e.Name())
		}
	}
	cgs, _ := filepath.Glob(filepath.Join(cgroupRoot, "*", Prefix+"*"))
	top, _ := filepath.Glob(filepath.Join(cgroupRoot, Prefix+"*"))
	for _, c := range append(cgs, top...) {
		candidates = append(candidates, filepath.Base(c))
	}
	for _, c := range candidates {
		if n, ok := parseName(c); ok && !n.owner.alive() {
			stale[n.String()] = n
		}
	}
	var removed []string
	var errs []error
	for _, n := range stale {
		if err := teardown(n, ""); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, "engine "+n.String())
	}
	r, err := sweepVeths(ctx)
	return append(removed, r...), errors.Join(append(errs, err)...)
}

// sweepVeths removes host veth ends of ours whose index has no namespace: left when a namespace was
// deleted while processes still held it. Call it under [lock].
func sweepVeths(ctx context.Context) ([]string, error) {
	nss, err := namespaces()
	if err != nil {
		return nil, err
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, ifc := range ifaces {
		i, ok := parseVeth(ifc.Name)
		if !ok || hasIndex(nss, i) {
			continue
		}
		if err := ip(ctx, "link", "del", ifc.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, "interface "+ifc.Name)
	}
	return removed, errors.Join(errs...)
}

// hasIndex reports whether one of the namespace names is ours with address index i.
func hasIndex(nss []string, i int) bool {
	for _, ns := range nss {
		if n, ok := parseName(ns); ok && n.index == i && strings.HasPrefix(ns, Prefix) {
			return true
		}
	}
	return false
}
