package sebstest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

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
// plain Docker API baseline (create, start, 1 ms poll of /alive, one POST) of the same image. Each also
// runs with the port published (impl=*-published: Docker's proxy, set up on start), which is how they
// reach the container where its bridge address is not theirs to use (issue 16: on a local Linux engine
// neither publishes a port by default).
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

	for _, published := range []bool{false, true} {
		suffix := map[bool]string{false: "", true: "-published"}[published]
		b.Run("impl=sebstest"+suffix, coldStartSebstest(ctx, ref, published))
		b.Run("impl=docker-api"+suffix, coldStartDockerAPI(ctx, ref, published))
	}
}

// coldStartSebstest times Start and one Invoke of the image ref, with WithPublishedPort when published.
func coldStartSebstest(ctx context.Context, ref string, published bool) func(b *testing.B) {
	var opts []testcontainers.ContainerCustomizer
	if published {
		opts = append(opts, WithPublishedPort())
	}
	return func(b *testing.B) {
		for b.Loop() {
			fn, err := Start(ctx, Image(ref), opts...)
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
	}
}

// coldStartDockerAPI times baselineColdStart of the image ref.
func coldStartDockerAPI(ctx context.Context, ref string, published bool) func(b *testing.B) {
	return func(b *testing.B) {
		eng, err := engine.Open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer eng.Close()
		for b.Loop() {
			id, err := baselineColdStart(ctx, eng, ref, published)
			b.StopTimer()
			if id != "" {
				_ = eng.Remove(ctx, id)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
}

// baselineColdStart is the hand-written Docker API path: create, start, read the address, poll /alive
// every millisecond, invoke once. Published, or on another OS or engine, the port is published and called
// on the engine's address; else the container is called on its own bridge address, with no port published.
func baselineColdStart(ctx context.Context, cli *engine.Engine, ref string, published bool) (string, error) {
	published = published || runtime.GOOS != "linux" || !cli.Local()
	port := network.MustParsePort(functionPort)
	labels := owner.Labels()
	cfg, hostCfg := &container.Config{Image: ref, Labels: labels}, &container.HostConfig{}
	if published {
		cfg.ExposedPorts = network.PortSet{port: {}}
		hostCfg.PortBindings = network.PortMap{port: {{HostIP: cli.Endpoint().BindIP}}}
	}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hostCfg})
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
	var base string
	if published {
		host := res.Container.NetworkSettings.Ports[port][0].HostPort
		base = "http://" + net.JoinHostPort(cli.Endpoint().Host, host) // the engine's address (issue 15)
	} else {
		base = "http://" + net.JoinHostPort(res.Container.NetworkSettings.Networks["bridge"].IPAddress.String(), portNumber(functionPort))
	}
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
