package sebstest

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// ownedContainers lists the containers this process owns, by our labels.
func ownedContainers(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	cli, err := engine.Open(ctx)
	require.NoError(t, err)
	defer cli.Close()
	f := client.Filters{}
	for k, v := range owner.Labels() {
		f = f.Add("label", k+"="+v)
	}
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	require.NoError(t, err)
	var ids []string
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

// requireNoneLeft fails the test when a container of ours outlives it.
func requireNoneLeft(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		if left := ownedContainers(t); len(left) != 0 {
			t.Errorf("containers left behind: %v", left)
		}
	})
}

func TestStartInvokeSleep(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo))
	bench, err := fixtures.Lookup("sleep")
	require.NoError(t, err)

	requireAddressed(t, fn) // issue 16: bridge address or published port (address_test.go)
	assert.Equal(t, "010.sleep", fn.Benchmark)
	assert.Equal(t, bench.Memory, fn.Config.Memory)

	input := bench.Input(fixtures.SizeTest)
	res, err := fn.Invoke(context.Background(), input)
	require.NoError(t, err)
	assert.True(t, res.Stats.ColdStart, "the first invocation of a new container is cold")
	out, err := json.Marshal(res.Output["result"].(map[string]any)["output"])
	require.NoError(t, err)
	require.NoError(t, bench.Validate(input, out))
	assert.Positive(t, res.Times.ClientDuration())
	assert.GreaterOrEqual(t, res.Times.BenchmarkDuration(), 900*time.Microsecond, "sleep 1 ms must take about 1 ms in the function")

	again, err := fn.Invoke(context.Background(), input)
	require.NoError(t, err)
	assert.False(t, again.Stats.ColdStart, "the second invocation is warm")
	st := fn.Startup()
	assert.Positive(t, st.Create)
	assert.Positive(t, st.Start)
	assert.Positive(t, st.Ready)
}

func TestLimitsAndSecurityInContainerConfig(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo),
		WithConfig(sebs.FunctionConfig{Timeout: 7, Memory: 96}), WithCPUs(0.5))
	ctx := context.Background()
	res, err := fn.eng.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	hc := res.Container.HostConfig
	assert.Equal(t, int64(96<<20), hc.Memory)
	assert.Equal(t, int64(96<<20), hc.MemorySwap)
	assert.Equal(t, int64(5e8), hc.NanoCPUs)
	require.NotNil(t, hc.PidsLimit)
	assert.Equal(t, int64(DefaultPidsLimit), *hc.PidsLimit)
	assert.False(t, hc.Privileged)
	assert.Contains(t, hc.CapDrop, "ALL")
	assert.Contains(t, hc.SecurityOpt, "no-new-privileges:true")
	assert.True(t, hc.ReadonlyRootfs, "the Go runtime runs on a read-only root")
	for _, m := range res.Container.Mounts {
		assert.NotContains(t, m.Source, "docker.sock", "no Docker socket in a function")
	}
	bind := fn.eng.Endpoint().BindIP // 127.0.0.1 on a local engine; SEBS_PUBLISH_IP on a remote one (issue 15)
	for port, bindings := range res.Container.NetworkSettings.Ports {
		for _, b := range bindings {
			assert.Equal(t, bind, b.HostIP, "port %s published beyond %s", port, bind)
		}
	}
	assert.Contains(t, res.Container.Config.Env, "SEBS_FUNCTION_TIMEOUT=7")
	assert.Equal(t, "65534:65534", res.Container.Config.User)
	assert.Equal(t, 7*time.Second, fn.HTTPTrigger().Timeout)
}

func TestParallelStart(t *testing.T) {
	requireNoneLeft(t)
	const n = 3
	fns := make([]*Function, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fns[i] = New(t, Fixture("sleep", sebs.LanguageGo), WithName("sleep-"+strconv.Itoa(i)))
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, fn := range fns {
		require.NotNil(t, fn)
		assert.False(t, seen[fn.URL], "two functions share %s", fn.URL)
		seen[fn.URL] = true
		_, err := fn.Invoke(context.Background(), map[string]any{"sleep": 0})
		require.NoError(t, err)
	}
}

func TestColdStart(t *testing.T) {
	for _, mode := range []struct {
		name string
		mode ColdMode
	}{{"replace", ColdReplace}, {"restart", ColdRestart}} {
		t.Run(mode.name, func(t *testing.T) {
			requireNoneLeft(t)
			fn := New(t, Fixture("sleep", sebs.LanguageGo), WithColdMode(mode.mode))
			ctx := context.Background()
			payload := map[string]any{"sleep": 0}
			_, err := fn.Invoke(ctx, payload) // the first call is cold; make the function warm
			require.NoError(t, err)
			warm, err := fn.Invoke(ctx, payload)
			require.NoError(t, err)
			require.False(t, warm.Stats.ColdStart)
			oldID := fn.ContainerID()

			for range 2 {
				res, st, err := fn.ColdInvoke(ctx, payload)
				require.NoError(t, err)
				assert.True(t, res.Stats.ColdStart)
				assert.Positive(t, st.Ready)
				assert.GreaterOrEqual(t, st.FirstByte, st.Total())
				if mode.mode == ColdReplace {
					assert.Positive(t, st.Create)
					assert.NotEqual(t, oldID, fn.ContainerID(), "a replace starts a new container")
				} else {
					assert.Zero(t, st.Create)
					assert.Equal(t, oldID, fn.ContainerID(), "a restart keeps the container")
				}
				after, err := fn.Invoke(ctx, payload)
				require.NoError(t, err)
				assert.False(t, after.Stats.ColdStart, "only the first call after a cold start is cold")
			}
		})
	}
}

func TestSerializeAndAttach(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo))
	data, err := json.Marshal(fn.LocalFunction)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, fn.ContainerID(), m["instance_id"])
	assert.Equal(t, fn.URL, m["url"])
	assert.EqualValues(t, fn.Port, m["port"])
	assert.Len(t, m["instance_id"], 64)

	ctx := context.Background()
	again, err := Attach(ctx, data)
	require.NoError(t, err)
	res, err := again.Invoke(ctx, map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.Equal(t, fn.ContainerID(), again.ContainerID())
	assert.NotEmpty(t, res.RequestID)
	reattached, err := json.Marshal(again.LocalFunction)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(reattached, &back))
	assert.Len(t, back["triggers"], 1, "re-attaching must not add a second trigger: %s", reattached)
	assert.Equal(t, fn.HTTPTrigger().Timeout, again.HTTPTrigger().Timeout)

	require.NoError(t, fn.Stop(ctx))
	require.NoError(t, fn.Stop(ctx), "Stop is idempotent")
	_, err = Attach(ctx, data)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrGone)
	assert.Contains(t, err.Error(), "start the function again")
	require.NoError(t, again.Stop(ctx), "stopping a function whose container is gone is not an error")
}

func TestStartFailures(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	ctx := context.Background()
	cases := []struct {
		name    string
		src     Source
		opts    []testcontainers.ContainerCustomizer
		wantErr []string
		wantIs  error
	}{
		{
			name:    "image missing",
			src:     Image("sebs-no-such-image:never"),
			wantErr: []string{"not on the Docker engine", "nothing is pulled"},
		},
		{
			name:    "never ready",
			src:     Fixture("fault", sebs.LanguageGo),
			opts:    []testcontainers.ContainerCustomizer{testcontainers.WithEnv(map[string]string{"SEBS_FAULT_NEVER_READY": "1"}), WithReadyTimeout(2 * time.Second)},
			wantErr: []string{"did not answer", "WithReadyTimeout"},
			wantIs:  ErrNotReady,
		},
		{
			name:    "exits at once",
			src:     Fixture("sleep", sebs.LanguageGo),
			opts:    []testcontainers.ContainerCustomizer{testcontainers.WithEnv(map[string]string{"PORT": "not-a-port"}), WithReadyTimeout(20 * time.Second)},
			wantErr: []string{"exited with code", "log (last lines)"},
			wantIs:  ErrNotReady,
		},
		{
			name:    "no such source",
			src:     GoFunction("testdata/no-such-function"),
			wantErr: []string{"go build"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			began := time.Now()
			fn, err := Start(ctx, c.src, c.opts...)
			require.Error(t, err)
			assert.Nil(t, fn)
			for _, w := range c.wantErr {
				assert.Contains(t, err.Error(), w)
			}
			if c.wantIs != nil {
				assert.ErrorIs(t, err, c.wantIs)
			}
			assert.Less(t, time.Since(began), 30*time.Second)
			assert.Empty(t, ownedContainers(t), "a failed start leaves no container")
		})
	}
}

func TestSlowStartIsWaitedFor(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("fault", sebs.LanguageGo), testcontainers.WithEnv(map[string]string{"SEBS_FAULT_START_DELAY": "300ms"}))
	// The process starts during the start call, so the delay shows in start + ready (mostly in ready).
	st := fn.Startup()
	assert.GreaterOrEqual(t, st.Start+st.Ready, 300*time.Millisecond)
	assert.Greater(t, st.Ready, 200*time.Millisecond)
	_, err := fn.Invoke(context.Background(), map[string]any{"fault": "none"})
	require.NoError(t, err)
}

func TestStopRemovesContainer(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	ctx := context.Background()
	fn, err := Start(ctx, Fixture("sleep", sebs.LanguageGo))
	require.NoError(t, err)
	id := fn.ContainerID()
	require.NoError(t, fn.Stop(ctx))
	cli, err := engine.Open(ctx)
	require.NoError(t, err)
	defer cli.Close()
	_, err = cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	require.Error(t, err)
	assert.True(t, engine.IsGone(err), "container %s still exists after Stop: %v", id, err)
	// Parallel test packages start the same image: the freed bridge address may answer again, from another
	// container. A stopped function must not send the call at all.
	_, err = fn.Invoke(ctx, map[string]any{"sleep": 0})
	require.Error(t, err)
	assert.True(t, errors.Is(err, sebs.ErrConnection), "invoking a stopped function is a connection error, got %v", err)
	assert.ErrorIs(t, err, ErrGone)
}

func TestMemorySamplingAcrossColdStarts(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo), WithMemorySampling(5*time.Millisecond))
	ctx := context.Background()
	res, err := fn.Invoke(ctx, map[string]any{"sleep": 0.05})
	require.NoError(t, err)
	require.NotNil(t, res.Stats.MemoryUsed, "a 50 ms call sampled every 5 ms has a peak")
	assert.Positive(t, *res.Stats.MemoryUsed)
	require.NotNil(t, res.Detail)
	assert.NotEmpty(t, res.Detail.MemorySamples)
	before := len(fn.MemorySamples())
	require.Positive(t, before)

	_, _, err = fn.ColdInvoke(ctx, map[string]any{"sleep": 0.02})
	require.NoError(t, err)
	require.NoError(t, fn.Stop(ctx))
	all := fn.MemorySamples()
	assert.Greater(t, len(all), before, "samples of the replaced container are kept and the new one is sampled")
	for i := 1; i < len(all); i++ {
		assert.False(t, all[i].Time.Before(all[i-1].Time), "samples out of order at %d", i)
	}
}

func TestStopWithCancelledContextStillRemoves(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	fn, err := Start(context.Background(), Fixture("sleep", sebs.LanguageGo))
	require.NoError(t, err)
	id := fn.ContainerID()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a test's context is cancelled before its cleanup runs
	require.NoError(t, fn.Stop(ctx))
	cli, err := engine.Open(context.Background())
	require.NoError(t, err)
	defer cli.Close()
	_, err = cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	assert.True(t, engine.IsGone(err), "container %s survived a Stop with a cancelled context: %v", engine.ShortID(id), err)
}

// TestRetireThenColdStart: Retire removes the container ahead of a replacing cold start, which then only
// starts the new one; with ColdRestart it does nothing.
func TestRetireThenColdStart(t *testing.T) {
	requireNoneLeft(t)
	ctx := context.Background()
	fn := New(t, Fixture("sleep", sebs.LanguageGo))
	old := fn.ContainerID()
	require.NoError(t, fn.Retire(ctx))
	require.NoError(t, fn.Retire(ctx), "a second Retire has nothing to remove")
	_, err := fn.eng.ContainerInspect(ctx, old, client.ContainerInspectOptions{})
	assert.True(t, engine.IsGone(err), "the retired container %s still exists: %v", engine.ShortID(old), err)
	_, err = fn.Invoke(ctx, map[string]any{"sleep": 0})
	assert.ErrorIs(t, err, ErrGone, "a retired function sends nothing: its address may be another container's now")
	res, st, err := fn.ColdInvoke(ctx, map[string]any{"sleep": 0})
	require.NoError(t, err)
	assert.True(t, res.Stats.ColdStart)
	assert.Positive(t, st.Create)
	assert.NotEqual(t, old, fn.ContainerID())

	restart := New(t, Fixture("sleep", sebs.LanguageGo), WithColdMode(ColdRestart))
	id := restart.ContainerID()
	require.NoError(t, restart.Retire(ctx))
	_, err = restart.Invoke(ctx, map[string]any{"sleep": 0})
	require.NoError(t, err, "Retire does nothing in restart mode")
	assert.Equal(t, id, restart.ContainerID())
}
