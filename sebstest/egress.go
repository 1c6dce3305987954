package sebstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// WithoutEgress runs the function with no outbound network: its container is the only member of an
// internal Docker network of its own (labelled as ours, removed with the function, swept if its owner
// dies), which has no route out of its subnet, so the function cannot reach the internet, other hosts or
// the engine's other networks. The test process still calls it on 127.0.0.1: Docker publishes no ports
// for internal networks, so a forwarder in the test process listens on a loopback port and relays each
// connection to the container (one extra local hop per call, tens of microseconds; HTTP startup then
// measures the connect to the forwarder).
//
// The default, without this option, is outbound network allowed (Docker's default bridge), as functions
// that use storage or fetch inputs need. Under WithoutEgress the function can still reach the host
// through its network's bridge address (Docker's internal networks do not filter traffic to the host
// itself); keep host services bound to loopback. The engine must be local: the test process reaches the
// container through the engine's bridge. [Attach] cannot re-attach such a function (it has no published
// port).
func WithoutEgress() Option {
	return option(func(s *settings) error { s.noEgress = true; return nil })
}

// egress is the network and forwarder of a function started [WithoutEgress].
type egress struct {
	network string // name of the internal network
	fwd     *forwarder
}

// kindNetwork is the value of owner.LabelKind on the networks sebstest creates.
const kindNetwork = "network"

// openEgress creates the function's internal network and its forwarder, when the settings ask for them.
func (f *Function) openEgress(ctx context.Context) error {
	if !f.s.noEgress {
		return nil
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "sebs-noegress-" + hex.EncodeToString(b[:])
	labels := owner.Labels()
	labels[owner.LabelKind] = kindNetwork
	if _, err := f.eng.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "bridge", Internal: true, Labels: labels}); err != nil {
		return fmt.Errorf("WithoutEgress: create the function's internal network: %w", err)
	}
	if !isLoopback(f.ep.Host) {
		f.removeNetwork(name)
		return fmt.Errorf("WithoutEgress needs a local engine, reached on loopback (functions are addressed at %s); "+
			"leave the option off for a remote engine", f.ep.Host)
	}
	fwd, err := newForwarder()
	if err != nil {
		f.removeNetwork(name)
		return fmt.Errorf("WithoutEgress: %w", err)
	}
	f.egress = &egress{network: name, fwd: fwd}
	return nil
}

// closeEgress stops the forwarder and removes the network (after the containers on it are removed).
func (f *Function) closeEgress(ctx context.Context) error {
	if f.egress == nil {
		return nil
	}
	f.egress.fwd.close()
	_, err := f.eng.NetworkRemove(ctx, f.egress.network, client.NetworkRemoveOptions{})
	if err != nil && !engine.IsGone(err) {
		return fmt.Errorf("remove network %s: %w", f.egress.network, err)
	}
	return nil
}

// removeNetwork removes a network whose function failed to start; errors are ignored.
func (f *Function) removeNetwork(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), removeTimeout)
	defer cancel()
	_, _ = f.eng.NetworkRemove(ctx, name, client.NetworkRemoveOptions{})
}

// egressCustomizer puts the container on the function's internal network (and on no other).
func (f *Function) egressCustomizer() testcontainers.ContainerCustomizer {
	name := f.egress.network
	return testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
		hc.NetworkMode = container.NetworkMode(name)
	})
}

// aimForwarder points the forwarder at the container's address on the internal network, and returns the
// forwarder's loopback port, which stands in for the published port.
func (f *Function) aimForwarder(ctx context.Context, id string) (int, error) {
	res, err := f.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return 0, fmt.Errorf("inspect container %s: %w", engine.ShortID(id), err)
	}
	ns := res.Container.NetworkSettings
	if ns == nil || ns.Networks[f.egress.network] == nil || !ns.Networks[f.egress.network].IPAddress.IsValid() {
		return 0, fmt.Errorf("container %s has no address on its network %s", engine.ShortID(id), f.egress.network)
	}
	port, _, _ := strings.Cut(f.s.port, "/")
	f.egress.fwd.aim(net.JoinHostPort(ns.Networks[f.egress.network].IPAddress.String(), port))
	return f.egress.fwd.port(), nil
}

// A forwarder relays TCP connections from a loopback port to a container's address.
type forwarder struct {
	ln     net.Listener
	target atomic.Pointer[string]
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// forwardDialTimeout bounds the connect to the container: a container that is not listening yet refuses
// at once, so this only matters for one that vanished.
const forwardDialTimeout = 5 * time.Second

// newForwarder listens on an ephemeral port of 127.0.0.1.
func newForwarder() (*forwarder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the function's forwarder on 127.0.0.1: %w", err)
	}
	fw := &forwarder{ln: ln, conns: map[net.Conn]struct{}{}}
	fw.wg.Add(1)
	go fw.serve()
	return fw, nil
}

func (fw *forwarder) port() int {
	_, p, _ := net.SplitHostPort(fw.ln.Addr().String())
	n, _ := strconv.Atoi(p)
	return n
}

func (fw *forwarder) aim(addr string) { fw.target.Store(&addr) }

func (fw *forwarder) serve() {
	defer fw.wg.Done()
	for {
		c, err := fw.ln.Accept()
		if err != nil {
			return // closed
		}
		if !fw.track(c) {
			c.Close()
			return
		}
		fw.wg.Add(1)
		go fw.relay(c)
	}
}

// track records an open connection, so that close can end it; false once the forwarder is closed.
func (fw *forwarder) track(c net.Conn) bool {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if fw.closed {
		return false
	}
	fw.conns[c] = struct{}{}
	return true
}

func (fw *forwarder) untrack(c net.Conn) {
	fw.mu.Lock()
	delete(fw.conns, c)
	fw.mu.Unlock()
	c.Close()
}

// relay copies both ways between the client's connection and a new one to the container.
func (fw *forwarder) relay(c net.Conn) {
	defer fw.wg.Done()
	defer fw.untrack(c)
	t := fw.target.Load()
	if t == nil {
		return
	}
	up, err := net.DialTimeout("tcp", *t, forwardDialTimeout)
	if err != nil {
		return // the caller sees the connection close, as it would a refused connect
	}
	if !fw.track(up) {
		up.Close()
		return
	}
	defer fw.untrack(up)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(up, c)
		if tc, ok := up.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	_, _ = io.Copy(c, up)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	<-done
}

// close stops listening, ends every relayed connection and waits for the relays to finish.
func (fw *forwarder) close() {
	fw.mu.Lock()
	fw.closed = true
	for c := range fw.conns {
		c.Close()
	}
	fw.mu.Unlock()
	_ = fw.ln.Close() // the listener is gone either way
	fw.wg.Wait()
}

// forwardedTarget is a function container whose port is the forwarder's, for wait strategies.
type forwardedTarget struct {
	*target
	port int
}

// MappedPort returns the forwarder's loopback port for any container port.
func (t *forwardedTarget) MappedPort(context.Context, string) (network.Port, error) {
	return network.ParsePort(strconv.Itoa(t.port) + "/tcp")
}
