package sebstest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// Attach re-attaches to a function container that is still running, from the JSON a [sebs.LocalFunction]
// was serialized to (its instance_id names the container). The returned function can be invoked and
// stopped; it has no memory sampling, and cold starts restart or replace it as usual (a replacement gets
// the running container's image, command, environment and code mount). Options apply as for [Start]
// (e.g. [WithKeepAlive]). When the container is gone or not running, the error wraps [ErrGone].
func Attach(ctx context.Context, data []byte, opts ...testcontainers.ContainerCustomizer) (*Function, error) {
	var lf sebs.LocalFunction
	if err := json.Unmarshal(data, &lf); err != nil {
		return nil, fmt.Errorf("sebstest: attach: read the function's JSON: %w", err)
	}
	if lf.InstanceID == "" {
		return nil, fmt.Errorf("sebstest: attach %s: the JSON has no instance_id", lf.Name)
	}
	s, err := newSettings(opts)
	if err == nil {
		err = refuseColdHook(s)
	}
	if err != nil {
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	eng, err := engine.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	f, err := attach(ctx, eng, s, &lf)
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	return f, nil
}

// attach builds the Function for the running container lf names, through eng.
func attach(ctx context.Context, eng *engine.Engine, s *settings, lf *sebs.LocalFunction) (*Function, error) {
	res, err := eng.ContainerInspect(ctx, lf.InstanceID, client.ContainerInspectOptions{})
	if err != nil {
		if engine.IsGone(err) {
			return nil, fmt.Errorf("container %s is gone; start the function again: %w", engine.ShortID(lf.InstanceID), ErrGone)
		}
		return nil, fmt.Errorf("inspect container %s: %w", engine.ShortID(lf.InstanceID), err)
	}
	if st := res.Container.State; st == nil || !st.Running {
		return nil, fmt.Errorf("container %s is not running; start the function again: %w", engine.ShortID(lf.InstanceID), ErrGone)
	}
	// What the JSON and the running container say about the function: the source's part, for the model
	// and for a cold start's replacement container.
	cfg, hc := res.Container.Config, res.Container.HostConfig
	sp := spec{ref: cfg.Image, name: lf.Name, benchmark: lf.Benchmark, config: lf.Config, hash: lf.Hash, cmd: cfg.Cmd,
		language: lf.Config.Runtime.Language, version: lf.Config.Runtime.Version, env: map[string]string{}}
	if hc != nil {
		sp.readOnly = hc.ReadonlyRootfs
		sp.capAdd = keptCapabilities(hc.CapAdd)
	}
	for _, m := range res.Container.Mounts {
		if m.Destination == "/function" {
			sp.codeDir, sp.ownsPath = m.Source, true
		}
	}
	for _, kv := range cfg.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			sp.env[k] = v
		}
	}
	f := &Function{eng: eng, s: s, spec: sp, ep: eng.Endpoint()}
	inst := &instance{id: res.Container.ID}
	f.resolveAddress(ctx, inst) // issue 16: bridge address or published port (address.go)
	if err := f.readPort(ctx, inst); err != nil {
		return nil, err
	}
	f.inst = inst
	url := inst.url(f.ep)
	if h, p, ok := strings.Cut(lf.URL, ":"); ok && p == strconv.Itoa(inst.port) && h != "" && inst.address == addrPublished {
		url = lf.URL
	}
	// A fresh model: the JSON's own trigger is replaced by the one NewLocalFunction attaches.
	model := f.model()
	model.UpdatedCode = lf.UpdatedCode
	f.LocalFunction = sebs.NewLocalFunction(model, nil, url, inst.port)
	f.LocalFunction.MoveTo(inst.id, url, inst.port)
	f.LocalFunction.HTTPTrigger().KeepAlive = s.keepAlive
	return f, nil
}
