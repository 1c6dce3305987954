package sebstest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/lambdaimage"
	"github.com/gosebs/sebs/internal/owner"
)

// LambdaFunction runs an AWS Lambda function written in Go, unchanged: dir holds a main package calling
// lambda.Start (github.com/aws/aws-lambda-go). It is built statically and packed FROM scratch with AWS's
// Lambda Runtime Interface Emulator (built from source once per machine, see internal/lambdaimage), which
// serves Lambda's Invoke API on port 8080.
//
// The function runs as a Go function does (read-only root, user 65534, all capabilities dropped,
// no-new-privileges, memory and PID limits, port on 127.0.0.1). Its config's memory and timeout are given
// to the emulator (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_FUNCTION_TIMEOUT): a call that runs past
// the timeout fails with [sebs.ErrTimeout]. The timeout must be a whole number of seconds, at least 1.
//
// The function is invoked through a [*sebs.LambdaTrigger] (its only trigger) fed by the container's log
// stream: each result carries Lambda's REPORT figures (provider execution and initialization times,
// billing) and is_cold from the REPORT's Init Duration. stats.memory_used comes only from this package's
// sampling ([WithMemorySampling]), never from the emulator, which prints the configured size. Cold starts
// ([Function.ColdStart], both [ColdMode]s) start a new emulator, whose first call is cold. A connection
// error from an emulator that exited or was killed during the call also wraps [ErrGone]. [Attach] does not
// re-attach Lambda functions (it would invoke them with an HTTP trigger): start them again.
func LambdaFunction(dir string) Source { return lambdaSource{dir: dir} }

// LambdaPythonFunction runs an AWS Lambda function written in Python: dir is the task root, holding
// handler.py with handler(event, context) and what it imports, as upstream SeBS packs a benchmark for AWS
// (its wrapper's handler.py around function/function.py). dir is mounted read-only at /var/task of the
// Python base image ([PythonImage]) with the emulator and this module's Lambda runtime (package
// fixtures/lambda/python) added; /tmp is a writable tmpfs. Everything else is as for [LambdaFunction]. The
// wrapper's answer ({"statusCode": 200, "body": …}) is read as upstream's AWS trigger reads it.
func LambdaPythonFunction(dir string) Source { return lambdaSource{dir: dir, python: true} }

type lambdaSource struct {
	dir    string
	python bool
}

// lambdaSpec is what a Lambda source adds to its spec: the task root to mount, for Python.
type lambdaSpec struct {
	taskRoot string // host directory mounted read-only at /var/task, or ""
}

func (l lambdaSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	abs, err := filepath.Abs(l.dir)
	if err != nil {
		return spec{}, fmt.Errorf("lambda function %q: %w", l.dir, err)
	}
	labels := owner.Labels()
	labels[owner.LabelKind] = owner.KindImage
	opts := lambdaimage.Options{Labels: labels, Progress: progress}
	if !l.python {
		img, err := lambdaimage.Build(ctx, eng.Client, abs, opts)
		if err != nil {
			return spec{}, err
		}
		return spec{
			ref: img.Ref, name: img.Name, hash: img.Hash[:32], readOnly: true, ownsPath: true,
			language: sebs.LanguageGo, version: strings.TrimPrefix(runtime.Version(), "go"),
			lambda: &lambdaSpec{},
		}, nil
	}
	if _, err := os.Stat(filepath.Join(abs, "handler.py")); err != nil {
		return spec{}, fmt.Errorf("python Lambda function %s: want handler.py with handler(event, context) at the task root: %w", abs, err)
	}
	hash, err := dirHash(abs)
	if err != nil {
		return spec{}, err
	}
	base, err := pythonImage(ctx, eng, progress)
	if err != nil {
		return spec{}, err
	}
	img, err := lambdaimage.BuildPython(ctx, eng.Client, base, opts)
	if err != nil {
		return spec{}, err
	}
	return spec{
		ref: img.Ref, name: sanitizeName(filepath.Base(abs)), hash: hash, readOnly: true, ownsPath: true,
		language: sebs.LanguagePython, version: pythonVersion,
		lambda: &lambdaSpec{taskRoot: abs},
	}, nil
}

// lambdaCustomizers are the container settings of a Lambda function on top of every function's: the
// emulator's environment from the function's config, and the task root mount. Nil for other functions;
// a config the emulator cannot take fails the request.
func (f *Function) lambdaCustomizers() []testcontainers.ContainerCustomizer {
	ls := f.spec.lambda
	if ls == nil {
		return nil
	}
	model := f.model()
	env, err := lambdaimage.Env(model.Name, model.Config.Memory, model.Config.Timeout)
	if err != nil {
		return []testcontainers.ContainerCustomizer{testcontainers.CustomizeRequestOption(
			func(*testcontainers.GenericContainerRequest) error { return err })}
	}
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	opts := []testcontainers.ContainerCustomizer{testcontainers.WithEnv(vars)}
	if ls.taskRoot != "" {
		opts = append(opts, testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: ls.taskRoot, Target: lambdaimage.PythonTaskRoot, ReadOnly: true})
		}))
	}
	return opts
}

// lambdaPort is the container port a Lambda function's emulator serves; it replaces the default function
// port unless the caller set another with [WithPort].
func (f *Function) lambdaPort() {
	if f.spec.lambda != nil && f.s.port == functionPort {
		f.s.port = lambdaimage.Port
	}
}

// newLocal makes the function's model for its first container: a Lambda function's only trigger is its
// [sebs.LambdaTrigger]; any other function gets the HTTP trigger of [sebs.NewLocalFunction].
func (f *Function) newLocal(inst *instance) *sebs.LocalFunction {
	if f.spec.lambda == nil {
		return sebs.NewLocalFunction(f.model(), nil, inst.url(f.ep), inst.port)
	}
	model := f.model()
	f.lambda = &lambdaRun{trigger: &sebs.LambdaTrigger{
		URL:       inst.url(f.ep),
		KeepAlive: f.s.keepAlive,
		Timeout:   model.Config.TimeoutDuration() + lambdaGrace,
	}}
	model.AddTrigger(f.lambda.trigger)
	return &sebs.LocalFunction{Function: model, InstanceID: inst.id, URL: inst.url(f.ep), Port: inst.port}
}
