package sebstest

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// TestCallerExposedPorts: ports the caller exposes through testcontainers-go are published on the engine's
// bind address only (testcontainers-go alone would bind them on every interface), with the function's own
// port beside them, while the function is still invoked on its bridge address.
func TestCallerExposedPorts(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo), testcontainers.WithExposedPorts("8081/tcp"))
	res, err := fn.eng.ContainerInspect(context.Background(), fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	bind := fn.eng.Endpoint().BindIP
	bound := map[string]bool{}
	for p, bindings := range res.Container.HostConfig.PortBindings {
		for _, b := range bindings {
			assert.Equal(t, bind, b.HostIP, "port %s", p)
			bound[p.String()] = true
		}
	}
	assert.Equal(t, map[string]bool{"8081/tcp": true, "9000/tcp": true}, bound)
	assert.True(t, fn.unpublished.Load(), "the function's plan is unchanged: only this container publishes")
	if bridgeExpected(t, fn) {
		invokeOn(t, fn, addrBridge)
	}
}

// TestExitIsNotUnreachable: a container created without a published port that exits before its address
// is read is reported as not ready, with its exit, once: it is not taken for an unreachable bridge address
// and started again with its port published. The hook holds the readiness wait until the container has
// exited (Docker's wait API), which a loaded machine can do by itself.
func TestExitIsNotUnreachable(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	eng, err := engine.Open(context.Background())
	require.NoError(t, err)
	defer eng.Close()
	waitExit := testcontainers.WithLifecycleHooks(testcontainers.ContainerLifecycleHooks{
		PostStarts: []testcontainers.ContainerHook{func(ctx context.Context, c testcontainers.Container) error {
			res := eng.ContainerWait(ctx, c.GetContainerID(), client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
			select {
			case <-res.Result:
				return nil
			case err := <-res.Error:
				return err
			}
		}},
	})
	var progress bytes.Buffer
	_, err = Start(context.Background(), Fixture("sleep", sebs.LanguageGo), WithProgress(&progress),
		testcontainers.WithEnv(map[string]string{"PORT": "bad"}), waitExit)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNotReady), "%v", err)
	assert.Contains(t, err.Error(), "exited with code 2")
	assert.NotContains(t, progress.String(), "started without a published port", "no second start")
}

// TestHookErrorsSurface: with lifecycle hooks of the caller's, removal is testcontainers' Terminate alone,
// so a terminate hook runs on a container that still exists and its error comes back from Stop.
func TestHookErrorsSurface(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	hookErr := errors.New("flush the function's logs: disk full")
	var sawState bool
	hooks := testcontainers.WithLifecycleHooks(testcontainers.ContainerLifecycleHooks{
		PreTerminates: []testcontainers.ContainerHook{func(ctx context.Context, c testcontainers.Container) error {
			_, err := c.State(ctx)
			sawState = err == nil
			return hookErr
		}},
	})
	fn, err := Start(context.Background(), Fixture("sleep", sebs.LanguageGo), hooks)
	require.NoError(t, err)
	err = fn.Stop(context.Background())
	assert.ErrorIs(t, err, hookErr)
	assert.True(t, sawState, "the hook ran while the container existed")
}

// TestBoundBeyond: a binding on any other host address than the engine's is refused, with the port named.
func TestBoundBeyond(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	p := network.MustParsePort("9000/tcp")
	assert.NoError(t, boundBeyond(nil, lo))
	assert.NoError(t, boundBeyond(&container.HostConfig{}, lo))
	assert.NoError(t, boundBeyond(&container.HostConfig{PortBindings: network.PortMap{p: {{HostIP: lo, HostPort: "0"}}}}, lo))
	err := boundBeyond(&container.HostConfig{PortBindings: network.PortMap{p: {{HostPort: "0"}}}}, lo)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "port 9000/tcp is published")
	err = boundBeyond(&container.HostConfig{PortBindings: network.PortMap{p: {{HostIP: netip.IPv4Unspecified()}}}}, lo)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"0.0.0.0"`)
}
