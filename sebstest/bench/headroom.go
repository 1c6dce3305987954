package bench

import (
	"runtime"
	"runtime/metrics"
)

// Memory a Recorder keeps per call, and why it is made ready before the loop (issue 16).
//
// A recorded call keeps its result, its result.csv row and its line of samples.jsonl until Close: a couple
// of kilobytes, which a load run of 64 callers adds to the heap at 10,000 calls a second. Memory the
// process has never touched is expensive on a virtual machine that hands freed memory back to its host
// (a balloon with free page reporting, as on the Firecracker machines here): measured at 13 µs for each
// fresh 1.5 KB kept, against 1 µs when the Go heap already held touched, free memory (and 0.3–0.6 µs for
// memory dropped at once). Under load that cost fell on the callers and took a recorded run to 0.64–0.72×
// a bare net/http loop.
//
// So before the loop, with the clock not yet running, Run makes sure the Go heap holds enough free memory
// that has been touched for what the run will keep (headroom); the run's own allocations then reuse it.
// How much is learned per Recorder: the most calls one run made times the heap kept per call, measured
// after each run; the first run assumes firstHeadroom. Nothing recorded changes: only where its memory
// comes from.
const (
	// firstHeadroom is the headroom before a Recorder's first run: about 10,000 recorded calls.
	firstHeadroom = 32 << 20
	// maxHeadroom bounds the headroom a run asks for, whatever the earlier runs kept.
	maxHeadroom = 512 << 20
	// headroomChunk is the size of the blocks touched to grow the heap.
	headroomChunk = 1 << 20
	// pageSize is the stride at which the blocks are touched: one write per page backs the page.
	pageSize = 4096
)

// headroom is what a Recorder has learned about the memory its runs keep. Its fields are guarded by the
// Recorder's mutex.
type headroom struct {
	maxCalls    int     // the most calls one run recorded
	keptPerCall float64 // heap kept per recorded call in the run that kept the most, in bytes
}

// want returns how many bytes of touched, free heap a run should start with.
func (h headroom) want() uint64 {
	if h.maxCalls == 0 || h.keptPerCall <= 0 {
		return firstHeadroom
	}
	return min(uint64(1.25*float64(h.maxCalls)*h.keptPerCall), maxHeadroom)
}

// learn notes a run that recorded calls and grew the live heap by kept bytes.
func (h *headroom) learn(calls int, kept uint64) {
	if calls <= 0 {
		return
	}
	h.maxCalls = max(h.maxCalls, calls)
	h.keptPerCall = max(h.keptPerCall, float64(kept)/float64(calls))
}

// Heap figures from runtime/metrics: the bytes of free heap memory the OS backs (not yet returned to it),
// and the live heap as of the last garbage collection.
const (
	metricHeapFree = "/memory/classes/heap/free:bytes"
	metricHeapLive = "/gc/heap/live:bytes"
)

// readHeap returns the named runtime/metrics values, 0 for one the runtime does not have.
func readHeap(names ...string) []uint64 {
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	metrics.Read(samples)
	out := make([]uint64, len(names))
	for i, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			out[i] = s.Value.Uint64()
		}
	}
	return out
}

// growHeap makes the Go heap hold at least n bytes of free memory that has been touched: it allocates
// n bytes in blocks, writes one byte a page, drops the blocks and collects them, so the pages
// stay with the heap, backed, for the allocations that follow. It does nothing when the heap already
// holds that much.
func growHeap(n uint64) {
	if readHeap(metricHeapFree)[0] >= n {
		return
	}
	// n in all, not only what is missing: the first blocks take the free memory there is.
	blocks := make([][]byte, 0, n/headroomChunk+1)
	for grown := uint64(0); grown < n; grown += headroomChunk {
		b := make([]byte, headroomChunk)
		for i := 0; i < len(b); i += pageSize {
			b[i] = 1
		}
		blocks = append(blocks, b)
	}
	runtime.KeepAlive(blocks)
	blocks = nil
	runtime.GC()
}
