package bench

import "testing"

func TestHeadroomLearnsTheLargestRun(t *testing.T) {
	var h headroom
	if got := h.want(); got != firstHeadroom {
		t.Fatalf("before any run: want %d bytes, got %d", firstHeadroom, got)
	}
	h.learn(0, 1<<20) // a run that recorded nothing teaches nothing
	if got := h.want(); got != firstHeadroom {
		t.Fatalf("after an empty run: want %d bytes, got %d", firstHeadroom, got)
	}
	h.learn(1000, 2_000_000) // 2,000 bytes a call
	h.learn(4000, 4_000_000) // more calls, fewer bytes a call
	if want, got := uint64(1.25*4000*2000), h.want(); got != want {
		t.Fatalf("after two runs: want 1.25 × the most calls × the most bytes a call = %d, got %d", want, got)
	}
	h.learn(10_000_000, 10_000_000_000)
	if got := h.want(); got != maxHeadroom {
		t.Fatalf("after a huge run: want the cap %d, got %d", uint64(maxHeadroom), got)
	}
}

func TestGrowHeapLeavesTouchedFreeMemory(t *testing.T) {
	const n = 64 << 20
	growHeap(n)
	if free := readHeap(metricHeapFree)[0]; free < n {
		t.Fatalf("after growHeap(%d) the heap holds %d bytes free and backed; want at least %d", n, free, n)
	}
}

func TestRecorderPrepareAndLearn(t *testing.T) {
	var nilRec *Recorder
	if live := nilRec.prepare(); live != 0 {
		t.Fatalf("nil Recorder's prepare: want 0, got %d", live)
	}
	nilRec.learn(10, 0) // must not panic

	rec, err := NewRecorder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	live := rec.prepare()
	if free := readHeap(metricHeapFree)[0]; free < firstHeadroom {
		t.Fatalf("after the first prepare the heap holds %d bytes free; want at least %d", free, firstHeadroom)
	}
	if live == 0 {
		t.Fatal("prepare returned no live heap figure")
	}
	rec.learn(100, live+1) // the heap shrank: nothing learned
	if rec.room.maxCalls != 0 {
		t.Fatalf("a run whose heap did not grow taught %+v", rec.room)
	}
	rec.learn(100, 0) // as if the whole live heap were the run's
	if rec.room.maxCalls != 100 || rec.room.keptPerCall < float64(live)/100 {
		t.Fatalf("after a run of 100 calls over a live heap of %d bytes: learned %+v", live, rec.room)
	}
}
