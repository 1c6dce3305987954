//go:build linux

package remotetest

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// checkAddresses starts the sleep function from this process with the engine's environment and checks
// where it lands: the trigger URL is on the engine's address, its port is published on that address
// only (not on 127.0.0.1, which on this side is not the engine host), a call answers there, and memory
// is sampled (through Docker stats: the container's cgroup files are not on this side).
func checkAddresses(t *testing.T, ctx context.Context, env []string, engineIP netip.Addr, cli *client.Client) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	fn := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo), sebstest.WithMemorySampling(10*time.Millisecond))
	defer fn.Stop(ctx)
	if host, _, _ := strings.Cut(fn.URL, ":"); host != engineIP.String() {
		t.Errorf("trigger URL %s, want it on the engine's address %s", fn.URL, engineIP)
	}
	ins, err := cli.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect the function's container on the remote engine: %v", err)
	}
	bound := 0
	for port, bindings := range ins.Container.NetworkSettings.Ports {
		for _, b := range bindings {
			bound++
			if b.HostIP != engineIP {
				t.Errorf("port %s published on %s, want only on the engine's address %s", port, b.HostIP, engineIP)
			}
		}
	}
	if bound == 0 {
		t.Errorf("the function's container publishes no port")
	}
	if _, err := fn.Invoke(ctx, map[string]any{"sleep": 0.001}); err != nil {
		t.Errorf("invoke at %s: %v", fn.URL, err)
	}
	samples := fn.MemorySamples()
	if len(samples) == 0 || samples[len(samples)-1].Bytes == 0 {
		t.Errorf("memory samples %v, want some with bytes above 0", samples)
	}
	if err := fn.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	t.Logf("function at %s (published on %s), %d memory samples", fn.URL, engineIP, len(samples))
}
