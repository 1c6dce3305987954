package sebstest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// instance is one container of a function.
type instance struct {
	ctr     *testcontainers.DockerContainer // nil for a container found by Attach
	id      string
	port    int
	host    string // issue 16: the bridge address it is invoked on; "" for the engine's host (address.go)
	address string // issue 16: addrBridge or addrPublished
	startup sebs.Startup
	wait    wait.Strategy // the caller's readiness strategy, nil for ours; restarts wait with it too
	retired bool          // removed (Retire, or a failed replacement): nothing to remove any more
	// unpublished: created without a published port, to be invoked on its bridge address (issue 16,
	// publish.go); hooks: the caller gave testcontainers lifecycle hooks, which removal must run.
	unpublished, hooks bool
	// exited holds why the container is known to have stopped (set after a failed call found it exited):
	// later calls fail with it at once, sending nothing to an address the engine may have given to another
	// container since.
	exited atomic.Pointer[exitNote]
}

// exitNote is the error that explained a container's exit.
type exitNote struct{ err error }

func (i *instance) url(ep engine.Endpoint) string {
	host := ep.Host
	if i.host != "" { // issue 16: the container's own address (address.go)
		host = i.host
	}
	return net.JoinHostPort(host, strconv.Itoa(i.port))
}

// launch creates and starts one container, waits until it is ready, and times the three phases; on
// failure it removes the container.
func (f *Function) launch(ctx context.Context) (*instance, error) {
	var notes requestNotes
	began := time.Now()
	ctr, err := testcontainers.Run(ctx, f.spec.ref, f.customizers(&notes)...)
	inst := &instance{ctr: ctr, unpublished: !notes.publish, hooks: notes.hooks}
	if ctr != nil {
		inst.id = ctr.GetContainerID()
	}
	if err != nil {
		f.remove(inst)
		return nil, fmt.Errorf("create container: %w%s", err, reaperHint(err))
	}
	inst.startup.Create = time.Since(began)
	startBegan := time.Now()
	if err := ctr.Start(ctx); err != nil {
		err = fmt.Errorf("start container: %w%s", err, f.logTail(inst.id))
		f.remove(inst)
		return nil, err
	}
	inst.startup.Start = time.Since(startBegan)
	inst.wait = notes.wait
	if err := f.awaitReady(ctx, inst, notes.wait); err != nil {
		f.remove(inst)
		if errors.Is(err, errUnreachable) && f.unpublished.Load() { // issue 16 (publish.go)
			f.republish(inst, err)
			return f.launch(ctx)
		}
		return nil, err
	}
	return inst, nil
}

// requestNotes is what launch learns of the request once the caller's options have applied.
type requestNotes struct {
	wait    wait.Strategy // the caller's wait strategy, taken out of the request; nil for ours
	hooks   bool          // the caller added testcontainers lifecycle hooks
	publish bool          // ports are published (on the engine's bind address only)
}

// customizers turns the settings into testcontainers-go options: ours, then the caller's, then a last one
// that refuses the caller's labels in our reserved prefix, publishes every port the request exposes on the
// engine's bind address only (testcontainers-go would bind one the caller exposed on every interface), and
// notes in *notes what launch needs: the caller's wait strategy (taken out of the request, so readiness is
// timed apart from start), whether the caller added lifecycle hooks, and whether ports are published. The
// function's port is published unless the function's containers go without (f.unpublished, publish.go)
// and the caller exposes no port. The container is created, not started: launch starts it, to time the
// phases apart.
func (f *Function) customizers(notes *requestNotes) []testcontainers.ContainerCustomizer {
	s, sp := f.s, f.spec
	model := f.model()
	labels := owner.Labels()
	labels[owner.LabelKind] = kindFunction
	labels[owner.LabelFunction] = model.Name
	env := maps.Clone(sp.env)
	if env == nil {
		env = map[string]string{}
	}
	env["SEBS_FUNCTION_TIMEOUT"] = strconv.Itoa(model.Config.Timeout)
	memBytes := int64(model.Config.Memory) << 20
	port := s.port
	notes.publish = !f.unpublished.Load() // issue 16: none when the bridge address will do (publish.go)
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(progressLogger{s.progress}),
		testcontainers.WithNoStart(),
		testcontainers.WithLabels(labels),
		testcontainers.WithEnv(env),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			p, err := network.ParsePort(port)
			if err == nil && notes.publish {
				hc.PortBindings = network.PortMap{p: {{HostIP: f.ep.BindIP}}}
			}
			hc.Privileged = false
			hc.CapDrop = []string{"ALL"}
			hc.CapAdd = sp.capAdd
			hc.SecurityOpt = append(hc.SecurityOpt, "no-new-privileges:true")
			hc.Memory = memBytes
			hc.MemorySwap = memBytes // no swap beyond the limit
			if s.cpus > 0 {
				hc.NanoCPUs = int64(s.cpus * 1e9)
			}
			pids := s.pidsLimit
			hc.PidsLimit = &pids
			hc.ReadonlyRootfs = sp.readOnly
			if opts := tmpfsOptions(sp.readOnly, s.tmpfsMB); opts != "" {
				hc.Tmpfs = map[string]string{"/tmp": opts}
			}
			if dir := cmp.Or(sp.codeDir, s.codeDir); dir != "" {
				hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: dir, Target: "/function", ReadOnly: true})
			}
		}),
	}
	if notes.publish {
		opts = append(opts, testcontainers.WithExposedPorts(port))
	}
	if sp.cmd != nil {
		opts = append(opts, testcontainers.WithCmd(sp.cmd...))
	}
	if f.egress != nil { // issue 10: WithoutEgress (egress.go)
		opts = append(opts, f.egressCustomizer())
	}
	opts = append(opts, f.lambdaCustomizers()...)
	opts = append(opts, s.customizers...)
	return append(opts, testcontainers.CustomizeRequestOption(func(req *testcontainers.GenericContainerRequest) error {
		for k, v := range req.Labels {
			if strings.HasPrefix(k, owner.Prefix) && labels[k] != v {
				return fmt.Errorf("sebstest: label %q uses the reserved prefix %q; choose another key", k, owner.Prefix)
			}
		}
		// issue 10: testcontainers' reuse adopts any container of that name, which Stop would then remove.
		if req.Reuse {
			return errors.New("sebstest: testcontainers' container reuse (WithReuseByName) is refused: it adopts any " +
				"existing container of that name, which sebstest would then remove on Stop; start a new function instead")
		}
		if len(req.ExposedPorts) > 0 {
			if !notes.publish { // the caller exposes ports: publish them, and the function's, as before issue 16
				notes.publish = true
				req.ExposedPorts = append(req.ExposedPorts, port)
			}
			req.HostConfigModifier = bindExposed(req.HostConfigModifier, req.ExposedPorts, f.ep.BindIP)
		}
		notes.hooks = len(req.LifecycleHooks) > 0
		notes.wait, req.WaitingFor = req.WaitingFor, nil
		return nil
	}))
}

// bindExposed returns a host config modifier that runs modify, then binds each of the exposed ports that
// has no binding yet on bindIP alone: testcontainers-go binds an exposed port left without one on every
// interface.
func bindExposed(modify func(*container.HostConfig), exposed []string, bindIP netip.Addr) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		if modify != nil {
			modify(hc)
		}
		for _, spec := range exposed {
			pr, err := network.ParsePortRange(spec)
			if err != nil {
				continue // testcontainers-go refuses the request with the parse error
			}
			for p := range pr.All() {
				if len(hc.PortBindings[p]) > 0 {
					continue
				}
				if hc.PortBindings == nil {
					hc.PortBindings = network.PortMap{}
				}
				hc.PortBindings[p] = []network.PortBinding{{HostIP: bindIP}}
			}
		}
	}
}

// remove deletes a container at once; errors are ignored because the container may already be gone.
func (f *Function) remove(inst *instance) {
	if inst == nil || inst.id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), removeTimeout)
	defer cancel()
	_ = f.removeNow(ctx, inst)
}

// removeNow removes a container with no grace period: functions hold no state worth one, and a stop that
// waits is time a benchmark does not measure. A container that is already gone is no error.
//
// One forced remove kills and removes the container (issue 16: testcontainers' Terminate stops it first,
// then removes it; the forced remove alone took 214 against 273 ms a container on the development machine,
// and the cold benchmarks remove one per iteration). Terminate then closes the client that created the
// container; its stop and remove find nothing, which is no error. A container whose caller gave
// testcontainers lifecycle hooks is removed by Terminate alone, so that its stop and terminate hooks run on
// a container that still exists.
func (f *Function) removeNow(ctx context.Context, inst *instance) error {
	var err error
	if inst.ctr == nil || !inst.hooks {
		err = f.eng.Remove(ctx, inst.id)
	}
	if inst.ctr != nil {
		if terr := inst.ctr.Terminate(ctx, testcontainers.StopTimeout(0)); !engine.OnlyGone(terr) && err == nil {
			err = fmt.Errorf("remove container %s: %w", engine.ShortID(inst.id), terr)
		}
	}
	return err
}

// removeTimeout bounds the removal of a function's container.
const removeTimeout = time.Minute

// logTail returns the container's last log lines, formatted to end an error message, or "".
func (f *Function) logTail(id string) string {
	if id == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lines, err := f.eng.LogTail(ctx, id, logTailLines)
	if err != nil || len(lines) == 0 {
		return ""
	}
	return "\ncontainer " + engine.ShortID(id) + " log (last lines):\n  " + strings.Join(lines, "\n  ")
}

// logTailLines is how many of a failed container's last log lines an error shows.
const logTailLines = 20
