package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/gosebs/sebs"
)

// keptResults holds the results a Recorder keeps for experiments.json until Close, as their JSON: in one
// block of memory that, once full, is written to a temporary file and reused. The heap then grows by an
// index entry of 24 bytes a call (which the collector does not walk), not by the results: held in the
// heap, a load run's results were what the recorded run spent its extra CPU on, first as maps the garbage
// collector walked in every cycle, then as new memory the heap kept growing into (a minor page fault
// costs tens of µs on these virtual machines; issue 16). Close reads them back in order and decodes them:
// the JSON round trip is exact (numbers stay json.Number text). Should the file fail (a full disk), the
// results stay in memory from then on and Close reports the failure; nothing is lost.
type keptResults struct {
	block   []byte   // the results not yet in the file
	file    *os.File // the results before them; nil until the first block is full
	linked  bool     // the file still has a name (it could not be removed while open): remove it on release
	written int64    // bytes in file
	failed  error    // why the file failed; the results after it stay in the block
	refs    chunks[keptRef]
	names   []string       // function names and modes, by keptRef.fn and keptRef.mode
	nameIDs map[string]int // index of each name in names
}

// keptRef is one kept result: size bytes at offset off of the file followed by the block, of a call of
// function names[fn] in mode names[mode] with memory MB configured (its result.csv row is made from these
// at Close). It holds no pointers, so the collector never walks the index.
type keptRef struct {
	off                    int64
	size, fn, mode, memory int32
}

// keptBlock is the size of the block: big enough that a write to the file is rare.
const keptBlock = 1 << 20

// add keeps the JSON of one result (as AppendJSON wrote it, at most math.MaxInt32 bytes) of a call of
// function fn in mode, with memory MB configured.
func (k *keptResults) add(fn, mode string, memory int, data []byte) {
	if len(k.block)+len(data) > keptBlock && len(k.block) > 0 && k.failed == nil {
		k.failed = k.spill()
	}
	if k.block == nil {
		k.block = make([]byte, 0, max(keptBlock, len(data)))
	}
	k.refs.add(keptRef{off: k.written + int64(len(k.block)), size: int32(len(data)),
		fn: k.name(fn), mode: k.name(mode), memory: int32(memory)})
	k.block = append(k.block, data...)
}

// name returns the index of name in k.names, adding it the first time.
func (k *keptResults) name(name string) int32 {
	id, ok := k.nameIDs[name]
	if !ok {
		if k.nameIDs == nil {
			k.nameIDs = make(map[string]int)
		}
		id = len(k.names)
		k.names = append(k.names, name)
		k.nameIDs[name] = id
	}
	return int32(id)
}

// spill writes the block to the file and empties it for reuse. When the write fails the block is kept as
// it is (a partial write is overwritten by the next attempt, at the same offset).
func (k *keptResults) spill() error {
	if k.file == nil {
		// A temporary file without a name where the system allows it: a killed run leaves nothing behind.
		f, err := os.CreateTemp("", "sebs-invocations-*.tmp")
		if err != nil {
			return fmt.Errorf("keep results for experiments.json in a temporary file: %w", err)
		}
		k.file, k.linked = f, os.Remove(f.Name()) != nil
	}
	if _, err := k.file.WriteAt(k.block, k.written); err != nil {
		return fmt.Errorf("keep results for experiments.json in %s: %w", k.file.Name(), err)
	}
	k.written += int64(len(k.block))
	k.block = k.block[:0]
	return nil
}

// addTo decodes every kept result, in the order kept, into e's invocations and p's rows, and then releases
// what k holds (the file included). spillErr is why the temporary file failed during the run, if it did
// (every result is in e and p all the same).
func (k *keptResults) addTo(e *sebs.ExperimentResult, p *sebs.PerfCost) (spillErr, err error) {
	defer k.release()
	spillErr = k.failed
	var file *bufio.Reader
	if k.file != nil {
		file = bufio.NewReaderSize(io.NewSectionReader(k.file, 0, k.written), keptBlock)
	}
	var buf []byte
	for i, ref := range k.refs.all() {
		var data []byte
		if ref.off >= k.written {
			start := ref.off - k.written
			data = k.block[start : start+int64(ref.size)]
		} else {
			if int(ref.size) > cap(buf) {
				buf = make([]byte, ref.size)
			}
			buf = buf[:ref.size]
			if _, err := io.ReadFull(file, buf); err != nil {
				return spillErr, fmt.Errorf("read kept result %d of %s back from %s: %w", i, k.names[ref.fn], k.file.Name(), err)
			}
			data = buf
		}
		res := new(sebs.ExecutionResult)
		if err := res.UnmarshalJSON(data); err != nil {
			return spillErr, fmt.Errorf("decode kept result %d of %s: %w", i, k.names[ref.fn], err)
		}
		p.Add(int(ref.memory), k.names[ref.mode], res, nil)
		e.AddInvocation(k.names[ref.fn], res)
	}
	return spillErr, nil
}

// release drops the kept results and closes (and so deletes) the file.
func (k *keptResults) release() {
	if k.file != nil {
		k.file.Close()
		if k.linked {
			os.Remove(k.file.Name())
		}
	}
	*k = keptResults{}
}
