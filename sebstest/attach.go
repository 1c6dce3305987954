package sebstest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
)

// Attach re-attaches to a function container that is still running, from the JSON a [sebs.LocalFunction]
// was serialized to (its instance_id names the container). The returned function can be invoked and
// stopped; it has no memory sampling, and cold starts restart or replace it as usual (a replacement gets
// the running container's image, command, environment and code mount). Options apply as for [Start]
// (e.g. [WithKeepAlive]). When the container is gone or not running, the error says so.
func Attach(ctx context.Context, data []byte, opts ...Option) (*Function, error) {
	var lf sebs.LocalFunction
	if err := json.Unmarshal(data, &lf); err != nil {
		return nil, fmt.Errorf("sebstest: attach: read the function's JSON: %w", err)
	}
	if lf.InstanceID == "" {
		return nil, fmt.Errorf("sebstest: attach %s: the JSON has no instance_id", lf.Name)
	}
	s, cli, err := connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	res, err := cli.ContainerInspect(ctx, lf.InstanceID, client.ContainerInspectOptions{})
	if err != nil {
		s.close()
		if isGone(err) {
			return nil, fmt.Errorf("sebstest: attach %s: container %s is gone; start the function again: %w", lf.Name, shortID(lf.InstanceID), ErrGone)
		}
		return nil, fmt.Errorf("sebstest: attach %s: inspect container %s: %w", lf.Name, shortID(lf.InstanceID), err)
	}
	if st := res.Container.State; st == nil || !st.Running {
		s.close()
		return nil, fmt.Errorf("sebstest: attach %s: container %s is not running; start the function again: %w", lf.Name, shortID(lf.InstanceID), ErrGone)
	}
	s.name, s.benchmark, s.config, s.configSet = lf.Name, lf.Benchmark, lf.Config, true
	f := &Function{s: s, ep: resolveEndpoint(cli.DaemonHost())}
	// What a cold start's replacement container needs, read back from the running one: its image, command,
	// environment, added capabilities and code mount.
	cfg := res.Container.Config
	f.spec = imageSpec{ref: cfg.Image, name: lf.Name, hash: lf.Hash, cmd: cfg.Cmd,
		readOnly: res.Container.HostConfig != nil && res.Container.HostConfig.ReadonlyRootfs}
	if hc := res.Container.HostConfig; hc != nil {
		f.spec.capAdd = keptCapabilities(hc.CapAdd)
	}
	for _, m := range res.Container.Mounts {
		if m.Destination == "/function" {
			f.spec.codeDir = m.Source
		}
	}
	for _, kv := range cfg.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if _, set := s.env[k]; !set {
				s.env[k] = v
			}
		}
	}
	f.h = &handle{f: f}
	inst := &instance{id: res.Container.ID}
	if inst.port, err = f.hostPort(ctx, inst.id); err != nil {
		s.close()
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	f.inst = inst
	url := inst.url(f.ep)
	if h, p, ok := strings.Cut(lf.URL, ":"); ok && p == strconv.Itoa(inst.port) && h != "" {
		url = lf.URL
	}
	// A fresh model: the JSON's own trigger is replaced by the one NewLocalFunction attaches.
	model := sebs.Function{Name: lf.Name, Benchmark: lf.Benchmark, Hash: lf.Hash, Config: lf.Config, UpdatedCode: lf.UpdatedCode}
	f.LocalFunction = sebs.NewLocalFunction(model, f.h, url, inst.port)
	f.LocalFunction.InstanceID = inst.id
	tr := f.LocalFunction.HTTPTrigger()
	tr.KeepAlive, tr.Timeout = s.keepAlive, f.timeout()
	return f, nil
}
