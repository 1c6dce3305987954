package sebstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// How a function's container is reached; each result's detail says which (sebs.Detail.Address).
const (
	// addrBridge: the container's own address on its engine's bridge network and the function's port,
	// as upstream SeBS invokes local containers on Linux. No proxy sits between the client and the
	// function.
	addrBridge = "bridge"
	// addrPublished: the port published on the host (127.0.0.1 for a local engine), through Docker's
	// userland proxy, which adds a second connection per call.
	addrPublished = "published"
)

// WithPublishedPort invokes the function on its port published on the host, through Docker's proxy,
// rather than on the container's own bridge address. The published port is what Docker Desktop, remote
// engines and engines in a VM offer, and [Start] falls back to it by itself when the bridge address is
// not reachable from this process; the option makes it the choice everywhere, e.g. to compare the two.
func WithPublishedPort() Option {
	return option(func(s *settings) error { s.published = true; return nil })
}

// bridgeConnectTimeout bounds the connect that checks the bridge address is reachable before the
// readiness wait polls it: on a local bridge it answers (accepts or refuses) in microseconds.
const bridgeConnectTimeout = time.Second

// bridgeAddress returns the container's own address when the function is to be invoked on it, or the
// reason it is not: WithPublishedPort, another OS than Linux (Docker Desktop keeps containers in a VM),
// an engine that is not on this machine, no address, or an address this process cannot reach. The
// address must be on a network whose gateway is one of this machine's own interface addresses (the
// engine's bridge is here, so traffic stays on our engine's networks), and a TCP connect to it must be
// accepted or refused, not time out or find no route.
//
// It fails, for the caller to remove the container, when the container publishes a port beyond the engine's
// bind address (issue 16: a port its image declares, published by testcontainers-go on every interface
// when sebstest asked for none; [Function.publishReason] checks the image first, this checks the container).
func (f *Function) bridgeAddress(ctx context.Context, id string) (netip.Addr, string, error) {
	if reason := f.offBridgeReason(); reason != "" {
		return netip.Addr{}, reason, nil
	}
	res, err := f.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return netip.Addr{}, fmt.Sprintf("inspect container %s: %v", engine.ShortID(id), err), nil
	}
	if err := boundBeyond(res.Container.HostConfig, f.ep.BindIP); err != nil {
		return netip.Addr{}, "", fmt.Errorf("container %s: %w", engine.ShortID(id), err)
	}
	ip, reason := localBridgeIP(res.Container.NetworkSettings, localAddrs())
	if !ip.IsValid() {
		return ip, reason, nil
	}
	if err := probeConnect(ctx, netip.AddrPortFrom(ip, f.containerPort())); err != nil {
		return netip.Addr{}, err.Error(), nil
	}
	return ip, "", nil
}

// offBridgeReason returns why no container of the function is invoked on its bridge address, whatever
// the container: the caller asked for the published port, or the engine's containers are not on this
// machine's network. "" when neither holds.
func (f *Function) offBridgeReason() string {
	switch {
	case f.s.published:
		return "WithPublishedPort"
	case runtime.GOOS != "linux":
		return "containers are not on this machine's network on " + runtime.GOOS
	case !f.eng.Local():
		return "the engine " + f.eng.DaemonHost() + " is not on this machine"
	}
	return ""
}

// boundBeyond returns an error naming the first port hc publishes on another host address than bindIP.
func boundBeyond(hc *container.HostConfig, bindIP netip.Addr) error {
	if hc == nil {
		return nil
	}
	for p, bindings := range hc.PortBindings {
		for _, b := range bindings {
			if b.HostIP != bindIP {
				return fmt.Errorf("port %s is published on %q, beyond %s, so the container is refused: sebstest publishes "+
					"ports on %s only; a binding of the caller's (WithHostConfigModifier) must name that address, and an "+
					"image must not come to declare ports between a function's starts (sebstest checks it before the first)",
					p, b.HostIP, bindIP, bindIP)
			}
		}
	}
	return nil
}

// localBridgeIP picks the container's IPv4 address on the first network (by name) whose gateway is one
// of local, this machine's interface addresses.
func localBridgeIP(ns *container.NetworkSettings, local []netip.Addr) (netip.Addr, string) {
	if ns == nil || len(ns.Networks) == 0 {
		return netip.Addr{}, "the container is on no network"
	}
	names := make([]string, 0, len(ns.Networks))
	for name := range ns.Networks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ep := ns.Networks[name]
		if ep == nil || !ep.IPAddress.Is4() {
			continue
		}
		if slices.Contains(local, ep.Gateway.Unmap()) {
			return ep.IPAddress.Unmap(), ""
		}
	}
	return netip.Addr{}, fmt.Sprintf("none of the container's networks %v has its gateway on this machine", names)
}

// localAddrs returns this machine's interface addresses (none when they cannot be read); a variable so
// that a test can make the engine's bridge look remote.
var localAddrs = interfaceAddrs

func interfaceAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().Unmap())
		}
	}
	return out
}

// probeConnect checks that ap answers a TCP connect: accepted, or refused by a container that does not
// listen yet. A timeout or a missing route means the address is not reachable from here.
func probeConnect(ctx context.Context, ap netip.AddrPort) error {
	d := net.Dialer{Timeout: bridgeConnectTimeout}
	c, err := d.DialContext(ctx, "tcp", ap.String())
	if err == nil {
		_ = c.Close()
		return nil
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil
	}
	return fmt.Errorf("connect to %s from this process: %w", ap, err)
}

// containerPort is the number of the function's port inside the container (9000 unless WithPort).
func (f *Function) containerPort() uint16 {
	n, _ := strconv.ParseUint(portNumber(f.s.port), 10, 16)
	return uint16(n)
}

// resolveAddress decides how inst is reached before the readiness wait, so that readiness polls the
// address the calls will use: its bridge address when [Function.bridgeAddress] finds one, else the
// published port. It returns why the bridge address is not used ("" when it is), and logs that reason to
// the progress writer unless the caller asked for the published port, or the container has none
// (launch then starts it again with one). The error is bridgeAddress's: a port published too widely.
func (f *Function) resolveAddress(ctx context.Context, inst *instance) (string, error) {
	if f.egress != nil { // WithoutEgress: an internal network; the forwarder on 127.0.0.1 is the way in
		inst.host, inst.address = "", addrPublished
		return "", nil
	}
	ip, reason, err := f.bridgeAddress(ctx, inst.id)
	if err != nil {
		return "", err
	}
	if ip.IsValid() {
		inst.host, inst.address = ip.String(), addrBridge
		return "", nil
	}
	inst.host, inst.address = "", addrPublished
	if !f.s.published && !inst.unpublished {
		fmt.Fprintf(f.s.progress, "sebstest: %s: invoking %s on its published port, not its bridge address: %s\n",
			f.spec.ref, engine.ShortID(inst.id), reason)
	}
	return reason, nil
}

// readPort sets the port inst is invoked on: the function's own port on its bridge address, else the
// host port it is published on.
func (f *Function) readPort(ctx context.Context, inst *instance) error {
	if inst.address == addrBridge {
		inst.port = int(f.containerPort())
		return nil
	}
	p, err := f.hostPort(ctx, inst.id)
	inst.port = p
	return err
}

// noteAddress records in res how the call reached the container.
func (f *Function) noteAddress(res *sebs.ExecutionResult) {
	if res != nil && res.Detail != nil && f.inst != nil {
		res.Detail.Address = f.inst.address
	}
}
