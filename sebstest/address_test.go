package sebstest

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// bridgeExpected says whether functions here are invoked on their bridge address: a local engine on
// Linux whose bridge is on this machine (the development and CI machines).
func bridgeExpected(t *testing.T, fn *Function) bool {
	return runtime.GOOS == "linux" && fn.eng.Local() && !fn.s.published
}

// requireAddressed checks fn's model against its container: on the bridge, the container's own IPv4
// address and port 9000, and no port published (issue 16: none is needed, as upstream publishes none on
// Linux); else the host port published on the engine's address.
func requireAddressed(t *testing.T, fn *Function) {
	t.Helper()
	res, err := fn.eng.ContainerInspect(context.Background(), fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	ns := res.Container.NetworkSettings
	require.NotNil(t, ns)
	hostPort := ""
	host := fn.eng.Endpoint().Host // 127.0.0.1 for a local engine; a remote engine's address (issue 15)
	for _, b := range ns.Ports[network.MustParsePort("9000/tcp")] {
		assert.Equal(t, host, b.HostIP.String(), "the port is published on the engine's address only (loopback for a local one), whichever path is used")
		hostPort = b.HostPort
	}
	if fn.inst.address == addrBridge {
		assert.Empty(t, ns.Ports, "a container invoked on its bridge address publishes no port")
		assert.True(t, fn.unpublished.Load())
		var ips []string
		for _, ep := range ns.Networks {
			ips = append(ips, net.JoinHostPort(ep.IPAddress.String(), "9000"))
		}
		assert.Contains(t, ips, fn.URL, "the URL is the container's own address")
		assert.Equal(t, 9000, fn.Port)
		assert.Equal(t, fn.URL, fn.HTTPTrigger().URL)
		return
	}
	assert.Equal(t, addrPublished, fn.inst.address)
	require.NotEmpty(t, hostPort, "the port is published")
	assert.Equal(t, host+":"+hostPort, fn.URL)
	assert.Equal(t, hostPort, strconv.Itoa(fn.Port))
}

// invokeOn calls fn and checks the result says which path it took.
func invokeOn(t *testing.T, fn *Function, want string) *sebs.ExecutionResult {
	t.Helper()
	res, err := fn.Invoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	require.NotNil(t, res.Detail)
	assert.Equal(t, want, res.Detail.Address)
	return res
}

func TestBridgeAddress(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo))
	if !bridgeExpected(t, fn) {
		t.Skipf("functions are invoked on the published port here (%s, engine %s)", runtime.GOOS, fn.eng.DaemonHost())
	}
	require.Equal(t, addrBridge, fn.inst.address, "a local engine on Linux: the container's own address")
	requireAddressed(t, fn)
	invokeOn(t, fn, addrBridge)

	// A cold start makes a new container, with an address of its own: the model moves to it.
	for range 2 {
		res, _, err := fn.ColdInvoke(context.Background(), map[string]any{"sleep": 0})
		require.NoError(t, err)
		assert.Equal(t, addrBridge, res.Detail.Address)
		requireAddressed(t, fn)
	}
}

func TestPublishedPortOption(t *testing.T) {
	requireNoneLeft(t)
	var progress bytes.Buffer
	fn := New(t, Fixture("sleep", sebs.LanguageGo), WithPublishedPort(), WithProgress(&progress))
	assert.Equal(t, addrPublished, fn.inst.address)
	requireAddressed(t, fn)
	invokeOn(t, fn, addrPublished)
	_, _, err := fn.ColdInvoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	requireAddressed(t, fn)
	assert.NotContains(t, progress.String(), "not its bridge address", "a path the caller chose is not a fallback to log")
}

// TestBridgeFallback: when the engine's bridge is not on this machine (made to look so here), the
// function is invoked on its published port and the reason is logged. Where a container would have been
// created without a published port, that start is repeated with one, and so are the later ones (cold
// starts). It swaps a package variable, so it must not run in parallel with other tests (none of this
// package's do).
func TestBridgeFallback(t *testing.T) {
	requireNoneLeft(t)
	orig := localAddrs
	localAddrs = func() []netip.Addr { return nil }
	t.Cleanup(func() { localAddrs = orig })
	var progress bytes.Buffer // written by New, in this goroutine
	fn := New(t, Fixture("sleep", sebs.LanguageGo), WithProgress(&progress))
	assert.Equal(t, addrPublished, fn.inst.address)
	requireAddressed(t, fn)
	invokeOn(t, fn, addrPublished)
	if bridgeExpected(t, fn) {
		assert.Contains(t, progress.String(), "was started without a published port, but the container's bridge address is not reachable")
		assert.Contains(t, progress.String(), "on its published port, not its bridge address: none of the container's networks")
		assert.False(t, fn.unpublished.Load(), "later containers are published")
	}
	_, _, err := fn.ColdInvoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.Equal(t, addrPublished, fn.inst.address)
	requireAddressed(t, fn)
}

func TestLocalBridgeIP(t *testing.T) {
	gw, ip := netip.MustParseAddr("172.17.0.1"), netip.MustParseAddr("172.17.0.5")
	other := netip.MustParseAddr("10.9.0.7")
	ns := &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{
		"zz-remote": {Gateway: netip.MustParseAddr("10.9.0.1"), IPAddress: other},
		"bridge":    {Gateway: gw, IPAddress: ip},
		"v6only":    {Gateway: gw},
	}}
	got, reason := localBridgeIP(ns, []netip.Addr{netip.MustParseAddr("127.0.0.1"), gw})
	assert.Equal(t, ip, got, reason)

	got, reason = localBridgeIP(ns, []netip.Addr{netip.MustParseAddr("127.0.0.1")})
	assert.False(t, got.IsValid())
	assert.Contains(t, reason, "has its gateway on this machine")

	got, reason = localBridgeIP(&container.NetworkSettings{}, nil)
	assert.False(t, got.IsValid())
	assert.Contains(t, reason, "on no network")
}

func TestProbeConnect(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ap := netip.MustParseAddrPort(l.Addr().String())
	assert.NoError(t, probeConnect(context.Background(), ap), "an accepted connect is reachable")
	require.NoError(t, l.Close())
	assert.NoError(t, probeConnect(context.Background(), ap), "a refused connect is reachable: nothing listens yet")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = probeConnect(ctx, ap)
	require.Error(t, err, "a connect that cannot be made is not reachable")
	assert.True(t, strings.Contains(err.Error(), "connect to "+ap.String()), err)
}
