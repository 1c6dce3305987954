package sebstest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// Start builds the source's image if needed, starts a container from it, waits until the function
// answers (see [ForProtocol]), and returns it. opts mixes this package's options with testcontainers-go's
// own, which apply after ours. The caller must call [Function.Stop] when done. On any failure the
// container is removed and the error says what happened, with the container's last log lines when it ran.
//
// Everything the function does with Docker (build, start, readiness, memory, logs, cold starts, stop) goes
// through one Docker client, opened here and closed by Stop.
func Start(ctx context.Context, src Source, opts ...testcontainers.ContainerCustomizer) (*Function, error) {
	s, err := newSettings(opts)
	if err == nil {
		err = refuseColdHook(s)
	}
	if err != nil {
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	eng, err := engine.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	return start(ctx, eng, src, s)
}

// New starts a function for a test, like [Start], stops it when the test ends, and fails the test if it
// cannot start. Progress goes to the test log. When no Docker engine answers, the test is skipped, unless
// the environment says CI=true: then it fails, since a skipped container test is a test that did not run.
func New(tb testing.TB, src Source, opts ...testcontainers.ContainerCustomizer) *Function {
	tb.Helper()
	progress := newTBLog(tb)
	s, err := newSettings(append([]testcontainers.ContainerCustomizer{WithProgress(progress)}, opts...))
	if err == nil {
		err = refuseColdHook(s)
	}
	if err != nil {
		tb.Fatal(fmt.Errorf("sebstest: %w", err))
	}
	eng := openOrSkip(tb)
	f, err := start(context.Background(), eng, src, s)
	progress.flush()
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
	_ = openOrSkip(tb).Close()
}

// openOrSkip connects to the engine, or skips the test (fails it under CI=true) when none answers.
func openOrSkip(tb testing.TB) *engine.Engine {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	eng, err := engine.Open(ctx)
	if err == nil {
		if _, err = eng.Ping(ctx, client.PingOptions{}); err == nil {
			return eng
		}
		_ = eng.Close()
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("no Docker engine answers, and CI=true forbids skipping a container test: %v", err)
	}
	tb.Skipf("no Docker engine answers (start one, or set DOCKER_HOST): %v", err)
	return nil
}

// start resolves the source and launches the first container through eng, which the function owns from
// here on: a failed start closes it.
func start(ctx context.Context, eng *engine.Engine, src Source, s *settings) (*Function, error) {
	if c, ok := src.(checker); ok {
		if err := c.check(s); err != nil {
			_ = eng.Close()
			return nil, fmt.Errorf("sebstest: %w", err)
		}
	}
	sp, err := src.resolve(ctx, eng, s.progress)
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	started := false
	defer func() {
		if !started && sp.cleanup != nil {
			_ = sp.cleanup()
		}
	}()
	if sp, err = s.storage.codePackage(sp); err != nil { // issue 14: our storage wrapper beside a Python or Node.js function
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	if s.codeDir != "" && sp.ownsPath {
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: WithCode(%s): the source %s already uses /function (its binary or code package); "+
			"give the code to the source instead, or use Image(ref) with WithCode", s.codeDir, sp.ref)
	}
	f := &Function{eng: eng, s: s, spec: sp, ep: eng.Endpoint()}
	if err := f.openEgress(ctx); err != nil { // issue 10: WithoutEgress (egress.go)
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: start %s: %w", sp.ref, err)
	}
	f.lambdaPort()
	f.planPorts(ctx)                  // issue 16: no published port when the bridge address will do (publish.go)
	inst, err := f.firstInstance(ctx) // issue 16: WithoutFirstStart launches none (deferred.go)
	if err != nil {
		_ = f.closeEgress(context.WithoutCancel(ctx)) // issue 10
		_ = eng.Close()
		return nil, fmt.Errorf("sebstest: start %s: %w", sp.ref, err)
	}
	f.inst, f.startup = inst, inst.startup
	f.LocalFunction = f.newLocal(inst)
	f.LocalFunction.MoveTo(inst.id, inst.url(f.ep), inst.port)
	f.LocalFunction.HTTPTrigger().KeepAlive = s.keepAlive
	if err := f.followFirst(inst); err != nil {
		_ = f.Stop(context.Background())
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	if err := f.startSampling(ctx); err != nil {
		_ = f.Stop(context.Background())
		return nil, fmt.Errorf("sebstest: %w", err)
	}
	started = true
	f.pruneImages(ctx)
	if inst.retired {
		fmt.Fprintf(s.progress, "sebstest: prepared %s from %s; no container until its first cold start\n", f.Name, sp.ref)
		return f, nil
	}
	fmt.Fprintf(s.progress, "sebstest: started %s (%s) at %s in %s\n", f.Name, engine.ShortID(inst.id), f.URL, inst.startup.Total().Round(time.Millisecond))
	return f, nil
}

// model is the function's portable description: the options' values, else the source's, else the
// package defaults.
func (f *Function) model() sebs.Function {
	cfg := f.spec.config
	if f.s.configSet {
		cfg = f.s.config
	}
	if cfg.Memory <= 0 {
		cfg.Memory = DefaultMemoryMB
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = int(DefaultTimeout / time.Second)
	}
	if cfg.Runtime.Language == "" {
		cfg.Runtime = sebs.Runtime{Language: f.spec.language, Version: f.spec.version, Variant: "default"}
	} else if cfg.Runtime.Language == f.spec.language {
		// A config that names the language only: the source knows the version (results files need it).
		cfg.Runtime.Version = cmp.Or(cfg.Runtime.Version, f.spec.version)
		cfg.Runtime.Variant = cmp.Or(cfg.Runtime.Variant, "default")
	}
	if cfg.Architecture == "" {
		cfg.Architecture = sebs.ArchX64
	}
	return sebs.Function{Name: cmp.Or(f.s.name, f.spec.defaultName(f.s.benchmark)), Benchmark: cmp.Or(f.s.benchmark, f.spec.benchmark), Hash: f.spec.hash, Config: cfg}
}
