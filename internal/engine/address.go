package engine

import (
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
)

// LocalHost reports whether a Docker daemon host address (as in DOCKER_HOST, e.g.
// "unix:///var/run/docker.sock", "npipe:////./pipe/docker_engine", "tcp://10.0.0.5:2376") names an
// engine on this machine: a unix socket or a Windows named pipe, or a TCP/HTTP address whose host is
// "localhost" or a loopback IP. Ports such an engine publishes are reachable on 127.0.0.1. For any other
// address (a remote engine, or one that does not parse) it reports false.
func LocalHost(host string) bool {
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "unix", "npipe":
		return true
	case "tcp", "http", "https":
		return isLoopback(u.Hostname())
	default:
		return false
	}
}

// Endpoint says where function ports are published and how the client reaches them.
type Endpoint struct {
	Host   string     // address the client dials
	BindIP netip.Addr // host address the ports are published on
}

// Endpoint decides, from the engine's address, where to publish ports and which address to dial (see
// [EndpointFor]).
func (e *Engine) Endpoint() Endpoint { return EndpointFor(e.DaemonHost()) }

// EndpointFor decides, from an engine's address, where to publish ports and which address to dial.
//
// A local engine (a unix socket or named pipe) publishes on 127.0.0.1 and is dialled on 127.0.0.1, whatever
// testcontainers-go would guess: when the tests themselves run in a container it guesses the bridge
// gateway, an address that is not this machine's loopback. TESTCONTAINERS_HOST_OVERRIDE, when set, names
// the address to dial. A remote engine (tcp://, http://, https://) is dialled on its own host name, and its
// ports are published on all of that host's interfaces, since loopback there is out of our reach;
// SEBS_PUBLISH_IP overrides the published address in every case.
func EndpointFor(daemonHost string) Endpoint {
	ep := Endpoint{Host: "127.0.0.1", BindIP: netip.MustParseAddr("127.0.0.1")}
	if u, err := url.Parse(daemonHost); err == nil {
		switch u.Scheme {
		case "tcp", "http", "https":
			if h := u.Hostname(); h != "" && !isLoopback(h) {
				ep.Host = h
				ep.BindIP = netip.IPv4Unspecified()
			}
		}
	}
	if h := os.Getenv("TESTCONTAINERS_HOST_OVERRIDE"); h != "" {
		ep.Host = h
	}
	if ip, err := netip.ParseAddr(os.Getenv("SEBS_PUBLISH_IP")); err == nil {
		ep.BindIP = ip
	}
	return ep
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
