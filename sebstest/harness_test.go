package sebstest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// These benchmarks measure the harness against what a careful user would write by hand with the Docker
// API and net/http, on the same image or container in the same run, so a ratio can be read off one run:
//
//	go test -run '^$' -bench 'ColdStart|WarmInvoke' -count 6 ./sebstest/

var benchPayload = map[string]any{"sleep": 0}

// BenchmarkColdStart times start call to first result: sebstest's Start plus one Invoke, against a
// plain Docker API baseline (create, start, 1 ms poll of /alive, one POST) of the same image.
func BenchmarkColdStart(b *testing.B) {
	RequireDocker(b)
	ctx := context.Background()
	// Build once, outside the timing.
	warm, err := Start(ctx, Fixture("sleep", sebs.LanguageGo))
	if err != nil {
		b.Fatal(err)
	}
	ref := warm.spec.ref
	if err := warm.Stop(ctx); err != nil {
		b.Fatal(err)
	}

	b.Run("impl=sebstest", func(b *testing.B) {
		for b.Loop() {
			fn, err := Start(ctx, Image(ref))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := fn.Invoke(ctx, benchPayload); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := fn.Stop(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("impl=docker-api", func(b *testing.B) {
		eng, err := engine.Open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer eng.Close()
		for b.Loop() {
			id, err := baselineColdStart(ctx, eng, ref)
			b.StopTimer()
			if id != "" {
				_ = eng.Remove(ctx, id)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}

// baselineColdStart is the hand-written Docker API path: create, start, read the port, poll /alive every
// millisecond, invoke once.
func baselineColdStart(ctx context.Context, cli *engine.Engine, ref string) (string, error) {
	port := network.MustParsePort(functionPort)
	labels := owner.Labels()
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: ref, Labels: labels, ExposedPorts: network.PortSet{port: {}}},
		HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{port: {{HostIP: cli.Endpoint().BindIP}}},
		},
	})
	if err != nil {
		return "", err
	}
	id := created.ID
	if _, err := cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return id, err
	}
	res, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return id, err
	}
	host := res.Container.NetworkSettings.Ports[port][0].HostPort
	base := "http://" + net.JoinHostPort(cli.Endpoint().Host, host) // the engine's address (issue 15)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	defer hc.CloseIdleConnections()
	for {
		resp, err := hc.Get(base + "/alive")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			break
		}
		time.Sleep(time.Millisecond)
	}
	resp, err := hc.Post(base+"/", "application/json", bytes.NewReader([]byte(`{"sleep":0}`)))
	if err != nil {
		return id, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return id, err
}

// BenchmarkWarmInvoke times one warm invocation through the published port: the function's HTTP trigger
// against plain net/http posting the same body to the same container and decoding the JSON answer, in
// both connection modes.
func BenchmarkWarmInvoke(b *testing.B) {
	fn := New(b, Fixture("sleep", sebs.LanguageGo), WithProgress(io.Discard))
	ctx := context.Background()
	// Warm up: the first few hundred calls after a container starts run slower, which would weigh on
	// whichever implementation is measured first.
	for range 500 {
		if _, err := fn.Invoke(ctx, benchPayload); err != nil {
			b.Fatal(err)
		}
	}
	body := []byte(`{"sleep":0}`)
	url := "http://" + fn.URL + "/"
	for _, keep := range []bool{false, true} {
		mode := "mode=fresh"
		if keep {
			mode = "mode=keepalive"
		}
		b.Run(mode+"/impl=sebs", func(b *testing.B) {
			tr := sebs.NewHTTPTrigger(fn.URL)
			tr.KeepAlive = keep
			defer tr.Close()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.Invoke(ctx, body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(mode+"/impl=net-http", func(b *testing.B) {
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: !keep}}
			defer hc.CloseIdleConnections()
			b.ReportAllocs()
			for b.Loop() {
				resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var out map[string]any // the least a client does to read the result
				err = json.NewDecoder(resp.Body).Decode(&out)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d: %v", resp.StatusCode, err)
				}
			}
		})
	}
}
