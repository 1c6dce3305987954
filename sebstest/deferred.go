package sebstest

import (
	"context"
	"errors"
	"fmt"
)

// WithoutFirstStart makes [Start] and [New] prepare the function (its image, network, trigger and memory
// log) without starting a container: the function is as [Function.Retire] leaves one, and its first
// [Function.ColdStart] (or ColdInvoke) starts its first container. It is for benchmarks whose first timed
// iteration is a cold start, which would otherwise remove a container started only for that (issue 16:
// time measured nowhere). Until that cold start, Invoke fails with a connection error and ContainerID is
// "". It needs the default [ColdReplace] cold mode ([ColdRestart] restarts a container, and there is none),
// and [Attach] and [Endpoint] refuse it.
func WithoutFirstStart() Option {
	return option(func(s *settings) error { s.noFirstStart = true; return nil })
}

// firstInstance launches the function's first container, or with [WithoutFirstStart] returns a retired
// instance in its place.
func (f *Function) firstInstance(ctx context.Context) (*instance, error) {
	if !f.s.noFirstStart {
		return f.launch(ctx)
	}
	if f.s.coldMode == ColdRestart {
		return nil, errors.New("WithoutFirstStart needs the replace cold mode: a restart needs a container, " +
			"and the function has none until its first cold start; leave out WithColdMode(ColdRestart)")
	}
	return &instance{retired: true}, nil
}

// refuseNoFirstStart fails [Attach], which adopts a running container, given [WithoutFirstStart].
func refuseNoFirstStart(s *settings) error {
	if s.noFirstStart {
		return fmt.Errorf("WithoutFirstStart applies to Start and New only: Attach adopts a running container")
	}
	return nil
}

// followFirst follows a Lambda function's first container (followLambda); with none yet, the first cold
// start does.
func (f *Function) followFirst(inst *instance) error {
	if inst.retired {
		return nil
	}
	return f.followLambda(inst)
}
