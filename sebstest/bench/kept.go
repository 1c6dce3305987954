package bench

import (
	"fmt"

	"github.com/gosebs/sebs"
)

// keptResults holds the results a Recorder keeps for experiments.json until Close, as their JSON in
// blocks of bytes with an index that holds no pointers. Kept as decoded results (maps of maps), a load
// run's results were what the garbage collector spent its time walking: in BenchmarkLoadOverhead the
// recorded run spent more CPU per call than the unrecorded one, mostly in the collector's marking
// (issue 16). Encoded, they cost it nothing to walk, and Close decodes them back: the JSON round trip is
// exact (numbers stay json.Number text).
type keptResults struct {
	blocks [][]byte
	refs   []keptRef
	fns    []string       // function names, by keptRef.fn
	fnIDs  map[string]int // index of each name in fns
}

// keptRef locates one kept result: bytes [start, end) of blocks[block], for function fns[fn].
type keptRef struct{ block, start, end, fn int }

// keptBlock is the size of a block of kept results: big enough that a block is rare, small enough that
// starting one never copies much while the Recorder's lock is held.
const keptBlock = 1 << 20

// add keeps the JSON of one result of function fn (as AppendJSON wrote it).
func (k *keptResults) add(fn string, data []byte) {
	id, ok := k.fnIDs[fn]
	if !ok {
		if k.fnIDs == nil {
			k.fnIDs = make(map[string]int)
		}
		id = len(k.fns)
		k.fns = append(k.fns, fn)
		k.fnIDs[fn] = id
	}
	last := len(k.blocks) - 1
	if last < 0 || cap(k.blocks[last])-len(k.blocks[last]) < len(data) {
		k.blocks = append(k.blocks, make([]byte, 0, max(keptBlock, len(data))))
		last++
	}
	start := len(k.blocks[last])
	k.blocks[last] = append(k.blocks[last], data...)
	k.refs = append(k.refs, keptRef{block: last, start: start, end: len(k.blocks[last]), fn: id})
}

// addTo decodes every kept result, in the order kept, into e's invocations, and empties k.
func (k *keptResults) addTo(e *sebs.ExperimentResult) error {
	for i, ref := range k.refs {
		res := new(sebs.ExecutionResult)
		if err := res.UnmarshalJSON(k.blocks[ref.block][ref.start:ref.end]); err != nil {
			return fmt.Errorf("decode kept result %d of %s: %w", i, k.fns[ref.fn], err)
		}
		e.AddInvocation(k.fns[ref.fn], res)
	}
	*k = keptResults{}
	return nil
}
