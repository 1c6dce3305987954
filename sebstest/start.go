package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
)

// Start builds the source's image if needed, starts a container from it, waits until the function
// answers HTTP, and returns it. The caller must call [Function.Stop] when done. On any failure the
// container is removed and the error says what happened, with the container's last log lines when it
// ran.
func Start(ctx context.Context, src Source, opts ...Option) (*Function, error) {
	s, cli, err := connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	spec, err := src.resolve(ctx, s)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	f := &Function{s: s, spec: spec, ep: resolveEndpoint(cli.DaemonHost())}
	f.h = &handle{f: f}
	inst, err := f.launch(ctx)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("sebstest: start %s: %w", spec.ref, err)
	}
	f.inst = inst
	f.startup = inst.startup
	f.LocalFunction = sebs.NewLocalFunction(f.model(), f.h, inst.url(f.ep), inst.port)
	f.LocalFunction.HTTPTrigger().KeepAlive = s.keepAlive
	if err := f.startSampling(ctx); err != nil {
		_ = f.Stop(context.Background())
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	fmt.Fprintf(s.progress, "sebstest: started %s (%s) at %s in %s\n", f.Name, shortID(inst.id), f.URL, inst.startup.Total().Round(time.Millisecond))
	return f, nil
}

// New starts a function for a test, like [Start], stops it when the test ends, and fails the test if it
// cannot start. Progress goes to the test log. When no Docker engine answers, the test is skipped, unless
// the environment says CI=true: then it fails, since a skipped container test is a test that did not run.
func New(tb testing.TB, src Source, opts ...Option) *Function {
	tb.Helper()
	RequireDocker(tb)
	opts = append([]Option{WithProgress(tbWriter{tb})}, opts...)
	f, err := Start(context.Background(), src, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := f.Stop(context.Background()); err != nil {
			tb.Errorf("stop function %s: %v", f.Name, err)
		}
	})
	return f
}

// RequireDocker skips the test when no Docker engine answers, or fails it when the environment says
// CI=true.
func RequireDocker(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err == nil {
		_ = cli.Close()
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("no Docker engine answers, and CI=true forbids skipping a container test: %v", err)
	}
	tb.Skipf("no Docker engine answers (start one, or set DOCKER_HOST): %v", err)
}

// tbWriter sends progress lines to a test's log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	for len(p) > 0 && p[len(p)-1] == '\n' {
		p = p[:len(p)-1]
	}
	return p
}

// progressLogger sends testcontainers-go's log lines to the progress writer, so a benchmark's output
// stays readable by benchstat and a test's lines go to the test log.
type progressLogger struct{ w io.Writer }

func (l progressLogger) Printf(format string, v ...any) {
	if l.w != io.Discard {
		fmt.Fprintf(l.w, "testcontainers: "+format+"\n", v...)
	}
}

// instance is one container of a function.
type instance struct {
	ctr     *testcontainers.DockerContainer
	id      string
	port    int
	startup Startup
}

func (i *instance) url(ep endpoint) string { return ep.host + ":" + strconv.Itoa(i.port) }

// launch creates and starts one container and waits until it answers; on failure it removes it.
func (f *Function) launch(ctx context.Context) (*instance, error) {
	began := time.Now()
	ctr, err := testcontainers.Run(ctx, f.spec.ref, f.customizers()...)
	inst := &instance{ctr: ctr}
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
		err = fmt.Errorf("start container: %w%s", err, f.logTail(inst))
		f.remove(inst)
		return nil, err
	}
	inst.startup.Start = time.Since(startBegan)
	if err := f.awaitReady(ctx, inst); err != nil {
		f.remove(inst)
		return nil, err
	}
	return inst, nil
}

// customizers turns the settings into testcontainers-go options. The container is created, not started:
// launch starts it, to time the two phases apart.
func (f *Function) customizers() []testcontainers.ContainerCustomizer {
	s, spec := f.s, f.spec
	labels := Labels()
	maps.Copy(labels, s.labels)
	labels[LabelKind] = "function"
	labels[LabelFunction] = f.name()
	env := maps.Clone(spec.env)
	if env == nil {
		env = map[string]string{}
	}
	maps.Copy(env, s.env)
	env["SEBS_FUNCTION_TIMEOUT"] = strconv.Itoa(int(f.timeout() / time.Second))
	memBytes := int64(f.memoryMB()) << 20
	port := s.port
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(progressLogger{s.progress}),
		testcontainers.WithNoStart(),
		testcontainers.WithExposedPorts(port),
		testcontainers.WithLabels(labels),
		testcontainers.WithEnv(env),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			p, err := network.ParsePort(port)
			if err == nil {
				hc.PortBindings = network.PortMap{p: {{HostIP: f.ep.bindIP}}}
			}
			hc.Privileged = false
			hc.CapDrop = []string{"ALL"}
			hc.CapAdd = spec.capAdd
			hc.SecurityOpt = append(hc.SecurityOpt, "no-new-privileges:true")
			hc.Memory = memBytes
			hc.MemorySwap = memBytes // no swap beyond the limit
			if s.cpus > 0 {
				hc.NanoCPUs = int64(s.cpus * 1e9)
			}
			pids := s.pidsLimit
			hc.PidsLimit = &pids
			hc.ReadonlyRootfs = spec.readOnly
			hc.Tmpfs = map[string]string{"/tmp": "rw,nosuid,nodev,size=64m"}
			for _, dir := range []string{spec.codeDir, s.codeDir} {
				if dir != "" {
					hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: dir, Target: "/function", ReadOnly: true})
				}
			}
		}),
	}
	if cmd := firstNonEmpty(s.cmd, spec.cmd); cmd != nil {
		opts = append(opts, testcontainers.WithCmd(cmd...))
	}
	return append(opts, s.customizers...)
}

func firstNonEmpty(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// remove deletes a container at once; errors are ignored because the container may already be gone.
func (f *Function) remove(inst *instance) {
	if inst == nil || inst.ctr == nil {
		return
	}
	_ = inst.ctr.Terminate(context.Background(), testcontainers.StopTimeout(0))
}

// model is the function's portable description.
func (f *Function) model() sebs.Function {
	cfg := f.s.config
	cfg.Memory = f.memoryMB()
	cfg.Timeout = int(f.timeout() / time.Second)
	if cfg.Runtime.Language == "" {
		cfg.Runtime = sebs.Runtime{Language: f.spec.language, Version: f.spec.version, Variant: "default"}
	}
	if cfg.Architecture == "" {
		cfg.Architecture = sebs.ArchX64
	}
	return sebs.Function{Name: f.name(), Benchmark: f.s.benchmark, Hash: f.spec.hash, Config: cfg}
}

func (f *Function) name() string {
	if f.s.name != "" {
		return f.s.name
	}
	return f.spec.name
}

func (f *Function) memoryMB() int {
	if f.s.config.Memory > 0 {
		return f.s.config.Memory
	}
	return DefaultMemoryMB
}

func (f *Function) timeout() time.Duration {
	if f.s.config.Timeout > 0 {
		return time.Duration(f.s.config.Timeout) * time.Second
	}
	return DefaultTimeout
}

// close releases the Docker client.
func (s *settings) close() {
	if s.cli != nil {
		_ = s.cli.Close()
	}
}

// ErrNotReady is wrapped by a start that failed because the function never answered HTTP: its container
// exited, or the ready timeout passed. The error carries the container's last log lines.
var ErrNotReady = errors.New("function did not answer")
