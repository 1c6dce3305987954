package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/gosebs/sebs"
)

// keptResults holds the results a Recorder keeps for experiments.json and result.csv until Close, each as
// its JSON followed by its request ID and its result.csv row: in a block of memory that, once full, is
// written to a temporary file by a goroutine of its own (diskWriter, so no caller waits for the disk) and
// then reused. The heap then grows by an index entry of 32 bytes a call (which
// the collector does not walk), not by the results: held in the heap, a load run's results were what the
// recorded run spent its extra CPU on, first as maps the garbage collector walked in every cycle, then as
// new memory the heap kept growing into (a minor page fault costs tens of µs on these virtual machines;
// issue 16). Close reads them back without decoding them: the rows are stored as numbers, and the JSON is
// laid out again as MarshalUpstream lays it out, into experiments.json (numbers keep their text). Should
// the file fail (a full disk), the results stay in memory from then on and Close reports the failure;
// nothing is lost.
type keptResults struct {
	block   []byte      // the results not yet handed to the file
	file    *os.File    // the results before them; nil until the first block is full
	disk    *diskWriter // writes the full blocks to file, in order, off the Recorder's lock
	linked  bool        // the file still has a name (it could not be removed while open): remove it on release
	queued  int64       // bytes handed to disk: the block starts at this offset
	written int64       // bytes in file, known once settled (disk closed and nil); the results after them are in block
	failed  error       // why the file failed; the results after it stay in memory
	refs    chunks[keptRef]
	names   []string       // function names and modes, by keptRef.fn and keptRef.mode
	nameIDs map[string]int // index of each name in names
}

// keptRef is one kept result: size bytes of JSON at offset off of the file followed by the block, then
// idLen bytes of its request ID and keptRowSize bytes of its row, of a call of function names[fn] in mode
// names[mode] with memory MB configured. It holds no pointers, so the collector never walks the index.
type keptRef struct {
	off                           int64
	size, idLen, fn, mode, memory int32
}

// end is the offset after the entry.
func (r keptRef) end() int64 { return r.off + int64(r.size) + int64(r.idLen) + keptRowSize }

// keptBlock is the size of the block: big enough that a write to the file is rare.
const keptBlock = 1 << 20

// add keeps one result: data, its JSON (as AppendJSON wrote it, at most math.MaxInt32 bytes), and res's
// request ID and result.csv figures, of a call of function fn in mode, with memory MB configured.
func (k *keptResults) add(fn, mode string, memory int, res *sebs.ExecutionResult, data []byte) {
	n := len(data) + len(res.RequestID) + keptRowSize
	if len(k.block)+n > keptBlock && len(k.block) > 0 && k.failed == nil {
		k.failed = k.spill()
	}
	if k.block == nil {
		k.block = make([]byte, 0, max(keptBlock, n))
	}
	k.refs.add(keptRef{off: k.queued + int64(len(k.block)), size: int32(len(data)), idLen: int32(len(res.RequestID)),
		fn: k.name(fn), mode: k.name(mode), memory: int32(memory)})
	k.block = append(k.block, data...)
	k.block = append(k.block, res.RequestID...)
	k.block = appendKeptRow(k.block, res)
}

// keptRowSize is the size of a row as appendKeptRow writes it.
const keptRowSize = 1 + 5*8

// Flags of a kept row's first byte.
const (
	rowCold = 1 << iota
	rowHasConnection
	rowHasMemory
)

// appendKeptRow appends the figures of res's result.csv row (see sebs.NewPerfCostRow) in keptRowSize bytes.
func appendKeptRow(b []byte, res *sebs.ExecutionResult) []byte {
	var flags byte
	var conn, mem float64
	if res.Stats.ColdStart {
		flags |= rowCold
	}
	if res.Times.HTTPStartup != nil {
		flags, conn = flags|rowHasConnection, *res.Times.HTTPStartup
	}
	if res.Stats.MemoryUsed != nil {
		flags, mem = flags|rowHasMemory, *res.Stats.MemoryUsed
	}
	b = append(b, flags)
	b = binary.LittleEndian.AppendUint64(b, uint64(res.Times.Benchmark))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(conn))
	b = binary.LittleEndian.AppendUint64(b, uint64(res.Times.Client))
	b = binary.LittleEndian.AppendUint64(b, uint64(res.ProviderTimes.Execution))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(mem))
}

// keptRow reads a row appendKeptRow wrote, for a call in mode with memory MB configured.
func keptRow(b []byte, memory int, mode string) sebs.PerfCostRow {
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[1+8*i:]) }
	row := sebs.PerfCostRow{Memory: memory, Type: mode, IsCold: b[0]&rowCold != 0, ExecTime: int64(u(0)),
		ClientTime: int64(u(2)), ProviderTime: int64(u(3))}
	if b[0]&rowHasConnection != 0 {
		conn := math.Float64frombits(u(1))
		row.ConnectionTime = &conn
	}
	if b[0]&rowHasMemory != 0 {
		mem := math.Float64frombits(u(4))
		row.MemUsed = &mem
	}
	return row
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

// spill hands the full block to the writer of the file, which writes it in the background, and starts
// another. When an earlier block failed to be written it returns that failure and keeps the block: the
// results stay in memory from then on (settle gathers the ones the writer kept).
func (k *keptResults) spill() error {
	if k.disk == nil {
		if k.file == nil {
			// A temporary file without a name where the system allows it: a killed run leaves nothing behind.
			f, err := os.CreateTemp("", "sebs-invocations-*.tmp")
			if err != nil {
				return fmt.Errorf("keep results for experiments.json in a temporary file: %w", err)
			}
			k.file, k.linked = f, os.Remove(f.Name()) != nil
		}
		k.disk = newDiskWriter(k.file, k.file.Name(), keptBlock)
	}
	if err := k.disk.err(); err != nil {
		return fmt.Errorf("keep results for experiments.json: %w", err)
	}
	k.disk.write(k.block)
	k.queued += int64(len(k.block))
	k.block = k.disk.buffer()
	return nil
}

// settle waits until the writer has written every block handed to it, then makes the results it could
// not write part of the block (in front of it), so that written is the boundary between file and memory.
func (k *keptResults) settle() {
	if k.disk == nil { // nothing handed over, or settled already
		return
	}
	written, unwritten, err := k.disk.close()
	k.disk, k.written = nil, written
	if err != nil {
		k.block = append(unwritten, k.block...)
		if k.failed == nil {
			k.failed = fmt.Errorf("keep results for experiments.json: %w", err)
		}
	}
}

// keptKey is what experiments.json files a kept result under: its function and request ID.
type keptKey struct {
	fn int32
	id string
}

// scan adds every kept result's row to p, in the order kept, and returns their keys, in the same order.
// spillErr is why the temporary file failed during the run, if it did (the scan is complete all the same);
// err is why the results after some point could not be read back (the rows and keys before it are given).
func (k *keptResults) scan(p *sebs.PerfCost) (keys []keptKey, spillErr, err error) {
	k.settle()
	var file *bufio.Reader
	if k.file != nil {
		file = bufio.NewReaderSize(io.NewSectionReader(k.file, 0, k.written), keptBlock)
	}
	keys = make([]keptKey, 0, k.refs.len())
	var buf []byte
	for i, ref := range k.refs.all() {
		entry, err := k.entry(ref, file, &buf)
		if err != nil {
			return keys, k.failed, fmt.Errorf("read kept result %d of %s back: %w", i, k.names[ref.fn], err)
		}
		meta := entry[ref.size:]
		keys = append(keys, keptKey{fn: ref.fn, id: string(meta[:ref.idLen])})
		row := keptRow(meta[ref.idLen:], int(ref.memory), k.names[ref.mode])
		p.Rows = append(p.Rows, row)
		if row.IsCold {
			p.ColdCount++
		}
	}
	return keys, k.failed, nil
}

// entry returns ref's bytes: from the block, or read from file (which reads the file from its start, entry
// after entry) into *buf.
func (k *keptResults) entry(ref keptRef, file *bufio.Reader, buf *[]byte) ([]byte, error) {
	if ref.off >= k.written {
		return k.block[ref.off-k.written : ref.end()-k.written], nil
	}
	n := int(ref.end() - ref.off)
	if n > cap(*buf) {
		*buf = make([]byte, n)
	}
	*buf = (*buf)[:n]
	if _, err := io.ReadFull(file, *buf); err != nil {
		return nil, fmt.Errorf("%s: %w", k.file.Name(), err)
	}
	return *buf, nil
}

// result returns the JSON of the kept result ref, read into *buf when it is in the file.
func (k *keptResults) result(ref keptRef, buf *[]byte) ([]byte, error) {
	if ref.off >= k.written {
		start := ref.off - k.written
		return k.block[start : start+int64(ref.size)], nil
	}
	if int(ref.size) > cap(*buf) {
		*buf = make([]byte, ref.size)
	}
	*buf = (*buf)[:ref.size]
	if _, err := k.file.ReadAt(*buf, ref.off); err != nil {
		return nil, fmt.Errorf("read a kept result back from %s: %w", k.file.Name(), err)
	}
	return *buf, nil
}

// release drops the kept results and closes (and so deletes) the file.
func (k *keptResults) release() {
	k.settle()
	if k.file != nil {
		k.file.Close()
		if k.linked {
			os.Remove(k.file.Name())
		}
	}
	*k = keptResults{}
}
