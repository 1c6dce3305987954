package reliability

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/dockertest"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/sebstest"
)

// dialResult is the dialer test function's answer.
type dialResult struct {
	Connected bool   `json:"connected"`
	Error     string `json:"error"`
	MS        int64  `json:"ms"`
}

// TestWithoutEgress: a function started with sebstest.WithoutEgress is on an internal network of its own
// (labelled as ours, nothing else on it) and cannot open a connection out of it: here to another function
// container of this test on the engine's default bridge (our own container: no traffic leaves the
// machine), which the same function on the default network reaches, so the address is reachable and
// the refusal is the option's doing. The function still answers on 127.0.0.1, a cold start keeps it on
// its network, and Stop removes the network. The host itself stays reachable through the network's
// bridge address (Docker's internal networks do not filter traffic to the host): logged, and documented
// at WithoutEgress.
func TestWithoutEgress(t *testing.T) {
	eng := dockertest.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := "testdata/dialer"

	open := sebstest.New(t, sebstest.GoFunction(dir))
	peer := sebstest.New(t, sebstest.GoFunction(dir))
	peerIP, gw := endpoint(ctx, t, eng, peer.ContainerID())
	target := net.JoinHostPort(peerIP, "9000")
	if got := dial(ctx, t, open, target); !got.Connected {
		t.Fatalf("with the default network the function cannot reach %s either (%s): the test proves nothing", target, got.Error)
	}

	closed, err := sebstest.Start(ctx, sebstest.GoFunction(dir), sebstest.WithoutEgress())
	if err != nil {
		t.Fatal(err)
	}
	defer closed.Stop(context.Background())
	if !strings.HasPrefix(closed.URL, "127.0.0.1:") {
		t.Errorf("URL %q is not on 127.0.0.1", closed.URL)
	}
	netName := requireInternalOnly(ctx, t, eng, closed.ContainerID())
	for round := range 2 {
		began := time.Now()
		got := dial(ctx, t, closed, target)
		took := time.Since(began)
		t.Logf("round %d: dial %s from inside: connected %v (%s) in %d ms; the call took %v", round, target, got.Connected, got.Error, got.MS, took.Round(time.Millisecond))
		if got.Connected {
			t.Fatalf("a function without egress connected to %s", target)
		}
		if took >= 3*time.Second {
			t.Errorf("the call with the refused dial took %v; want under 3 s (the dial is bounded at 1 s)", took)
		}
		if round == 0 {
			if _, err := closed.ColdStart(ctx); err != nil {
				t.Fatalf("cold start without egress: %v", err)
			}
			if requireInternalOnly(ctx, t, eng, closed.ContainerID()) != netName {
				t.Errorf("the cold start moved the function to another network")
			}
		}
	}
	if ln, err := net.Listen("tcp", net.JoinHostPort(gw, "0")); err == nil {
		go acceptAndClose(ln)
		got := dial(ctx, t, closed, ln.Addr().String())
		t.Logf("the host's bridge address %s from inside, without egress: connected %v (documented: the host stays reachable)", ln.Addr(), got.Connected)
		ln.Close()
	}
	if err := closed.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.NetworkInspect(ctx, netName, client.NetworkInspectOptions{}); err == nil || !engine.IsGone(err) {
		t.Errorf("network %s still exists after Stop (%v)", netName, err)
	}
}

// endpoint returns the container's address and its gateway (the engine's bridge on this machine) on its
// (one) network.
func endpoint(ctx context.Context, t *testing.T, eng *engine.Engine, id string) (ip, gateway string) {
	t.Helper()
	res, err := eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ns := res.Container.NetworkSettings; ns != nil {
		for _, ep := range ns.Networks {
			if ep != nil && ep.IPAddress.IsValid() && ep.Gateway.IsValid() {
				return ep.IPAddress.String(), ep.Gateway.String()
			}
		}
	}
	t.Fatalf("container %s has no address and gateway", engine.ShortID(id))
	return "", ""
}

// requireInternalOnly checks that the container is on exactly one network, internal and labelled as
// ours, and returns its name.
func requireInternalOnly(ctx context.Context, t *testing.T, eng *engine.Engine, id string) string {
	t.Helper()
	res, err := eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns := res.Container.NetworkSettings
	if ns == nil || len(ns.Networks) != 1 {
		t.Fatalf("container %s is on networks %v, want exactly one", engine.ShortID(id), ns)
	}
	for name := range ns.Networks {
		n, err := eng.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !n.Network.Internal {
			t.Errorf("network %s is not internal", name)
		}
		if n.Network.Labels[owner.LabelManaged] != "true" || n.Network.Labels[owner.LabelOwnerPID] == "" {
			t.Errorf("network %s lacks our labels: %v", name, n.Network.Labels)
		}
		return name
	}
	return ""
}

// dial asks the dialer function to connect to addr.
func dial(ctx context.Context, t *testing.T, fn *sebstest.Function, addr string) dialResult {
	t.Helper()
	res, err := fn.Invoke(ctx, map[string]any{"dial": addr})
	if err != nil {
		t.Fatalf("invoke the dialer: %v", err)
	}
	raw, err := res.HandlerOutput()
	if err != nil {
		t.Fatalf("dialer output: %v", err)
	}
	var out dialResult
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("dialer output %s: %v", raw, err)
	}
	return out
}

// acceptAndClose accepts connections and closes them at once, until the listener is closed.
func acceptAndClose(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil { // net.ErrClosed once the test ends
			return
		}
		c.Close()
	}
}
