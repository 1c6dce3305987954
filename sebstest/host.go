package sebstest

import (
	"net"
	"net/netip"
	"net/url"
	"os"
)

// endpoint says where function ports are published and how the client reaches them.
type endpoint struct {
	host   string     // address the client dials
	bindIP netip.Addr // host address the ports are published on
}

// resolveEndpoint decides, from the engine's address, where to publish ports and which address to dial.
//
// A local engine (a unix socket or named pipe) publishes on 127.0.0.1 and is dialled on 127.0.0.1, whatever
// testcontainers-go would guess: when the tests themselves run in a container it guesses the bridge
// gateway, an address that is not this machine's loopback. TESTCONTAINERS_HOST_OVERRIDE, when set, names
// the address to dial. A remote engine (tcp://, http://, https://) is dialled on its own host name, and its
// ports are published on all of that host's interfaces, since loopback there is out of our reach;
// SEBS_PUBLISH_IP overrides the published address in every case.
func resolveEndpoint(daemonHost string) endpoint {
	ep := endpoint{host: "127.0.0.1", bindIP: netip.MustParseAddr("127.0.0.1")}
	if u, err := url.Parse(daemonHost); err == nil {
		switch u.Scheme {
		case "tcp", "http", "https":
			if h := u.Hostname(); h != "" && !isLoopback(h) {
				ep.host = h
				ep.bindIP = netip.IPv4Unspecified()
			}
		}
	}
	if h := os.Getenv("TESTCONTAINERS_HOST_OVERRIDE"); h != "" {
		ep.host = h
	}
	if ip, err := netip.ParseAddr(os.Getenv("SEBS_PUBLISH_IP")); err == nil {
		ep.bindIP = ip
	}
	return ep
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
