package sebsdir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
)

// envUpstream names a checkout of upstream SeBS's benchmarks/ tree (or any directory holding benchmark
// directories, at any depth). When set, TestUpstreamDirectories runs every one of them; upstream's code is
// never committed here, so the test is opt-in.
const envUpstream = "SEBS_UPSTREAM_BENCHMARKS"

// envUpstreamSizes lists the sizes TestUpstreamDirectories runs (default "test,small").
const envUpstreamSizes = "SEBS_UPSTREAM_SIZES"

// TestUpstreamDirectories lays out, generates inputs for, runs (with our server.py in the Python image) and
// validates every benchmark directory under $SEBS_UPSTREAM_BENCHMARKS that gosebs can run, and checks
// that the others are refused for needing storage or NoSQL.
func TestUpstreamDirectories(t *testing.T) {
	root := os.Getenv(envUpstream)
	if root == "" {
		t.Skipf("set %s to upstream SeBS's benchmarks/ directory to run its benchmarks", envUpstream)
	}
	img := pythonImage(t)
	sizes := []fixtures.Size{fixtures.SizeTest, fixtures.SizeSmall}
	if v := os.Getenv(envUpstreamSizes); v != "" {
		sizes = nil
		for _, s := range strings.Split(v, ",") {
			sizes = append(sizes, fixtures.Size(strings.TrimSpace(s)))
		}
	}
	configs, err := filepath.Glob(filepath.Join(root, "*", "*", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(root, "*", "config.json"))
	for _, cfg := range append(configs, more...) {
		dir := filepath.Dir(cfg)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b := parse(t, dir)
			if err := b.Runnable(sebs.LanguagePython); err != nil {
				if !errors.Is(err, sebsdir.ErrNeedsStorage) && !errors.Is(err, sebsdir.ErrNeedsNoSQL) {
					t.Fatal(err)
				}
				t.Logf("refused: %v", err)
				return
			}
			p, err := b.Layout(t.Context(), sebs.LanguagePython, filepath.Join(t.TempDir(), "code"))
			if err != nil {
				t.Fatal(err)
			}
			s := open(t, dir)
			unmet, err := s.UnmetRequirements(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range unmet { // gosebs installs nothing: the run shows whether it matters
				t.Logf("requirement not met by the image: %v", u)
			}
			url := serveInImage(t, img, p.Dir, b.Config.Memory)
			for _, size := range sizes {
				in := generate(t, s, size)
				begin := time.Now()
				out := post(t, url, in, time.Duration(b.Config.Timeout)*time.Second)
				took := time.Since(begin)
				begin = time.Now()
				err := s.Validate(t.Context(), sebs.LanguagePython, in, out)
				validation := time.Since(begin)
				verdict := "pass"
				if err != nil {
					verdict = err.Error()
					t.Errorf("%s: %v", size, err)
				}
				t.Logf("| %s | %s | %s | %d B | %v |", b.Name, size, in, len(out), verdict)
				t.Logf("%s %s: call %v, validate_output %v", b.Name, size, took.Round(time.Millisecond), validation.Round(100*time.Microsecond))
			}
		})
	}
}

// serveInImage starts our server.py (the image's command) with the package dir mounted at /function,
// its port published on 127.0.0.1, and returns its URL once /alive answers.
func serveInImage(t *testing.T, img, dir string, memoryMB int) string {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	port := network.MustParsePort("9000/tcp")
	created, err := cli.ContainerCreate(t.Context(), client.ContainerCreateOptions{
		Config: &container.Config{Image: img, ExposedPorts: network.PortSet{port: {}},
			Labels: map[string]string{"dev.gosebs.managed": "true"}},
		HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}},
			Mounts:       []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: "/function", ReadOnly: true}},
			Resources:    container.Resources{Memory: int64(memoryMB) << 20},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	})
	if _, err := cli.ContainerStart(t.Context(), created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := cli.ContainerInspect(t.Context(), created.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bindings := info.Container.NetworkSettings.Ports[port]
	if len(bindings) == 0 {
		t.Fatal("no published port")
	}
	url := "http://127.0.0.1:" + bindings[0].HostPort
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/alive")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server in %s not alive after 30 s: %v", img, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// post calls the function with input and returns the handler's return value (result.output).
func post(t *testing.T, url string, input json.RawMessage, timeout time.Duration) json.RawMessage {
	t.Helper()
	c := &http.Client{Timeout: timeout}
	resp, err := c.Post(url, "application/json", bytes.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %.2000s", resp.StatusCode, body)
	}
	var r struct {
		Result struct {
			Output json.RawMessage `json:"output"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(fmt.Errorf("response %.500s: %w", body, err))
	}
	return r.Result.Output
}
