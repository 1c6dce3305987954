package sebstest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/cgroupmem"
	"github.com/gosebs/sebs/internal/engine"
)

// memoryLog keeps a function's memory samples across the containers a cold start replaces: the samples of
// stopped samplers are kept, never dropped.
type memoryLog struct {
	interval time.Duration
	eng      *engine.Engine

	mu   sync.Mutex
	done []sebs.MemorySample
	cur  *cgroupmem.Sampler
}

// startSampling begins sampling the current container when the settings ask for it.
func (f *Function) startSampling(ctx context.Context) error {
	if f.s.memInterval <= 0 {
		return nil
	}
	f.mem = &memoryLog{interval: f.s.memInterval, eng: f.eng}
	if f.inst.retired { // WithoutFirstStart: the first cold start resumes it
		return nil
	}
	return f.mem.resume(ctx, f.inst.id)
}

// resume starts a sampler on container id (after a start or a cold start), through the function's engine.
func (m *memoryLog) resume(ctx context.Context, id string) error {
	if m == nil {
		return nil
	}
	smp, err := cgroupmem.Start(ctx, m.eng.Client, id, m.interval)
	if err != nil {
		return fmt.Errorf("sample memory of container %s: %w", engine.ShortID(id), err)
	}
	m.mu.Lock()
	m.cur = smp
	m.mu.Unlock()
	return nil
}

// pause stops the current sampler, keeping its samples; sampling ends for good when no resume follows.
func (m *memoryLog) pause() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur != nil {
		m.done = append(m.done, m.cur.Stop()...)
		m.cur = nil
	}
}

// all returns every sample so far, oldest first.
func (m *memoryLog) all() []sebs.MemorySample {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]sebs.MemorySample(nil), m.done...)
	if m.cur != nil {
		out = append(out, m.cur.Samples()...)
	}
	return out
}

// window returns the samples taken from from to to, oldest first, without copying the whole log.
func (m *memoryLog) window(from, to time.Time) []sebs.MemorySample {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]sebs.MemorySample(nil), cgroupmem.Window(m.done, from, to)...)
	if m.cur != nil {
		out = append(out, m.cur.Window(from, to)...)
	}
	return out
}

// annotate puts into res the samples taken while the call ran, and their peak as stats.memory_used in MiB.
// The window starts one interval before the call, so a call shorter than the interval still sees the
// sample taken just before it; it ends when the call returns (plus one interval, which only catches a
// sample already taken by then): annotating does not wait for the next sample.
func (m *memoryLog) annotate(res *sebs.ExecutionResult, from, to time.Time) {
	window := m.window(from.Add(-m.interval), to.Add(m.interval))
	if len(window) == 0 {
		return
	}
	var peak uint64
	for _, smp := range window {
		peak = max(peak, smp.Bytes)
	}
	mib := float64(peak) / (1 << 20)
	res.Stats.MemoryUsed = &mib
	if res.Detail == nil {
		res.Detail = &sebs.Detail{}
	}
	res.Detail.MemorySamples = window
}
