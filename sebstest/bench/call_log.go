package bench

import (
	"sync"
	"time"

	"github.com/gosebs/sebs"
)

// A callLog holds a Run's calls for its Recorder while the loop runs, in the order they finished, and
// hands them to the Recorder when the loop has ended, with the benchmark timer stopped (issue 16). Writing
// a call's sample line and result JSON cost about 3 µs of CPU a call on the clock, and under load, with the
// callers and the function sharing 2 cores, every microsecond of it was a call not made: a run recording
// every call reached 0.89× the calls/s of a bare net/http loop, one without a Recorder 1.03–1.09×. A
// snapshot (snapshot.go) costs a fraction of that and is read back into the same values, so the files
// hold exactly what they held when each call was written as it finished.
//
// The log holds at most maxLogged bytes. The call that fills it hands the log to the Recorder itself, on
// the clock, and the loop goes on with an empty one; so a long run costs what it did before once a log's
// worth of calls is held. Hand-overs take turns: should the next log fill before one ends (which a 32 MB
// log makes rare), the call that filled it waits, holding the bencher's lock, and so do the other callers. A process killed during a loop loses the calls its log holds (samples.jsonl's
// lines included); a benchmark that fails still writes them, as Run hands the log over before it reports.
type callLog struct {
	blocks  [][]byte     // the snapshots, each whole within one block; the last block is being filled
	size    int          // bytes of snapshots held
	objects []loggedCall // the calls a snapshot could not hold, in the order they finished
}

// loggedCall is a call kept as its values, when its snapshot failed.
type loggedCall struct {
	sample   sebs.Sample
	res      *sebs.ExecutionResult
	fn       int       // the function's index in Run's functions
	recorded time.Time // when the call was recorded: experiments.json's begin and end times cover it
}

// Kinds of entry in a callLog's blocks.
const (
	logSnapshot byte = iota // a snapshot follows
	logObject               // the index of a loggedCall follows
)

const (
	// maxLogged bounds the bytes a callLog holds: about 50,000 calls of the Go sleep fixture, two seconds
	// of a 64-caller load run on 2 cores.
	maxLogged = 32 << 20
	// logBlock is the size of a block; a larger snapshot gets a block of its own.
	logBlock = 256 << 10
)

// snapshotCall writes the entry of a call of function fn (an index into Run's functions), recorded at
// recorded, into buf; ok is false when the snapshot could not hold it.
func snapshotCall(buf []byte, fn int, recorded time.Time, s *sebs.Sample, res *sebs.ExecutionResult) (_ []byte, ok bool) {
	w := snapWriter{b: append(buf, logSnapshot), ok: true}
	w.uint(uint64(fn))
	w.time(recorded)
	w.sample(s)
	w.result(res)
	return w.b, w.ok
}

// add appends a snapshot entry, taking a block from spare when the last one is full.
func (l *callLog) add(entry []byte, spare *blockPool) {
	n := len(l.blocks)
	if n == 0 || len(l.blocks[n-1])+len(entry) > cap(l.blocks[n-1]) {
		l.blocks = append(l.blocks, spare.get(len(entry)))
		n++
	}
	l.blocks[n-1] = append(l.blocks[n-1], entry...)
	l.size += len(entry)
}

// addObject appends a call the snapshot could not hold. It counts as objectSize bytes towards the limit.
func (l *callLog) addObject(c loggedCall, spare *blockPool) {
	var entry [1 + 10]byte
	w := snapWriter{b: append(entry[:0], logObject)}
	w.uint(uint64(len(l.objects)))
	l.objects = append(l.objects, c)
	l.add(w.b, spare)
	l.size += objectSize
}

// objectSize is what a call kept as values counts towards a log's limit: more than most results' values
// take, since these are the unusual ones.
const objectSize = 8 << 10

// full reports whether the log holds limit bytes or more (maxLogged when limit is 0).
func (l *callLog) full(limit int) bool {
	if limit <= 0 {
		limit = maxLogged
	}
	return l.size >= limit
}

// replay reads the calls back in order and passes each to record, then empties the log and gives its
// blocks back to spare. It returns the first error of record, or of a damaged entry (after which it stops).
func (l *callLog) replay(spare *blockPool, record func(fn int, recorded time.Time, s sebs.Sample, res *sebs.ExecutionResult) error) error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, block := range l.blocks {
		r := snapReader{b: block}
		for len(r.b) > 0 && r.err == nil {
			switch r.byte() {
			case logSnapshot:
				fn, recorded := int(r.uint()), r.time()
				s, res := r.sample(), r.result()
				if r.err == nil {
					keep(record(fn, recorded, s, res))
				}
			case logObject:
				i := r.uint()
				if r.err == nil && i < uint64(len(l.objects)) {
					c := l.objects[i]
					keep(record(c.fn, c.recorded, c.sample, c.res))
				} else {
					r.fail()
				}
			default:
				r.fail()
			}
		}
		if r.err != nil {
			keep(r.err)
			break
		}
	}
	for _, block := range l.blocks {
		spare.put(block)
	}
	*l = callLog{}
	return first
}

// A blockPool keeps a Recorder's log blocks between Runs, so that each Run's log reuses memory already
// in use rather than growing the heap anew (which the runtime may since have given back to the system).
// It keeps at most maxLogged bytes of them. It is safe for concurrent use.
type blockPool struct {
	mu       sync.Mutex
	free     [][]byte
	released bool
}

// get returns an empty block with room for at least n bytes.
func (p *blockPool) get(n int) []byte {
	if n <= logBlock {
		p.mu.Lock()
		if k := len(p.free); k > 0 {
			b := p.free[k-1]
			p.free = p.free[:k-1]
			p.mu.Unlock()
			return b
		}
		p.mu.Unlock()
	}
	return make([]byte, 0, max(n, logBlock))
}

// put keeps b for reuse, unless it is larger than a block, the pool is full, or it was released.
func (p *blockPool) put(b []byte) {
	if cap(b) != logBlock {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.released && len(p.free)*logBlock < maxLogged {
		p.free = append(p.free, b[:0])
	}
}

// release lets the blocks go, for good: the Recorder is closed.
func (p *blockPool) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free, p.released = nil, true
}
