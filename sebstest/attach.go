package sebstest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// kindFunction is the value of owner.LabelKind on the function containers sebstest starts.
const kindFunction = "function"

// Attach re-attaches to a function container that is still running, from the JSON a [sebs.LocalFunction]
// was serialized to (its instance_id names the container). The returned function can be invoked and
// stopped; it has no memory sampling, and cold starts restart or replace it as usual (a replacement gets
// the running container's image, command, environment and code mount). Options apply as for [Start]
// (e.g. [WithKeepAlive]). When the container is gone or not running, the error wraps [ErrGone].
//
// The JSON is not trusted: Attach adopts only a container that sebstest started as a function (labels
// dev.gosebs.managed=true and dev.gosebs.kind=function, which a container run from one of our images
// without sebstest lacks), whose dev.gosebs.function label is the JSON's name, and whose full ID is
// the JSON's instance_id (or starts with it, 12 characters at least). The address comes from the
// engine (the container's published port on the engine's host); a JSON whose url names another host
// is refused. A refusal leaves the container exactly as it was: nothing is stopped or removed.
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
	if err == nil {
		err = refuseNoFirstStart(s)
	}
	if err != nil {
		return nil, fmt.Errorf("sebstest: attach %s: %w", lf.Name, err)
	}
	if s.noEgress {
		return nil, fmt.Errorf("sebstest: attach %s: WithoutEgress applies to Start and New only; a function without egress cannot be re-attached", lf.Name)
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

// verifyAdoptable refuses a container that sebstest did not start as the function lf describes.
func verifyAdoptable(c container.InspectResponse, lf *sebs.LocalFunction) error {
	short := engine.ShortID(c.ID)
	if c.ID != lf.InstanceID && (len(lf.InstanceID) < 12 || !strings.HasPrefix(c.ID, lf.InstanceID)) {
		return fmt.Errorf("the JSON's instance_id %q names container %s by a name or an ambiguous prefix, not by its ID; "+
			"refusing to adopt it (left untouched): attach only with the JSON sebstest wrote", lf.InstanceID, short)
	}
	var labels map[string]string
	if c.Config != nil {
		labels = c.Config.Labels
	}
	if labels[owner.LabelManaged] != "true" || labels[owner.LabelKind] != kindFunction {
		return fmt.Errorf("container %s was not started by sebstest as a function (it lacks the labels %s=true and %s=%s); "+
			"refusing to adopt it (left untouched): Attach only takes containers that sebstest.Start created",
			short, owner.LabelManaged, owner.LabelKind, kindFunction)
	}
	if got := labels[owner.LabelFunction]; got != lf.Name {
		return fmt.Errorf("container %s runs function %q, but the JSON names %q; refusing to adopt it (left untouched): "+
			"the JSON is stale or edited", short, got, lf.Name)
	}
	return nil
}

// verifyHost refuses a JSON whose url names a host other than the engine's (loopback names of one another
// are the same host): the address a function is called at comes from the engine, never from the file.
func verifyHost(rawURL, engineHost, bridgeHost string) error {
	if rawURL == "" {
		return nil
	}
	u := rawURL
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("the JSON's url %q cannot be parsed (%v); refusing to attach", rawURL, err)
	}
	host := parsed.Hostname()
	if host == engineHost || (bridgeHost != "" && host == bridgeHost) || (isLoopback(host) && isLoopback(engineHost)) {
		return nil
	}
	return fmt.Errorf("the JSON's url %q names host %q, but the engine shows the container at %s; refusing to "+
		"attach (container left untouched): sebstest calls functions only at the engine's address", rawURL, host, engineHost)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
	if err := verifyAdoptable(res.Container, lf); err != nil {
		return nil, err
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
	f.planPorts(ctx) // issue 16: its cold starts publish a port only where a started function's would (publish.go)
	inst := &instance{id: res.Container.ID}
	if _, err := f.resolveAddress(ctx, inst); err != nil { // issue 16: bridge address or published port (address.go)
		return nil, err
	}
	if err := f.readPort(ctx, inst); err != nil {
		if s.published {
			err = fmt.Errorf("%w (WithPublishedPort: a container invoked on its bridge address publishes no port; "+
				"attach without WithPublishedPort, or start the function with it)", err)
		}
		return nil, err
	}
	if err := verifyHost(lf.URL, f.ep.Host, inst.host); err != nil {
		return nil, err
	}
	f.inst = inst
	addr := inst.url(f.ep) // the engine's address, never the file's
	// A fresh model: the JSON's own trigger is replaced by the one NewLocalFunction attaches.
	model := f.model()
	model.UpdatedCode = lf.UpdatedCode
	f.LocalFunction = sebs.NewLocalFunction(model, nil, addr, inst.port)
	f.LocalFunction.MoveTo(inst.id, addr, inst.port)
	f.LocalFunction.HTTPTrigger().KeepAlive = s.keepAlive
	return f, nil
}
