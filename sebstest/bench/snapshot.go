package bench

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/gosebs/sebs"
)

// A snapshot is a call's sample and result as bytes, taken on the caller's path while a loop runs and read
// back into the same values when it has ended (callLog, issue 16). Taking one copies strings and numbers as
// they are: no keys to sort, no strings to escape, no numbers or times to format, which is what writing the
// files' JSON costs on the clock. The bytes hold no pointers and go into reused blocks, so a loop's calls
// neither grow the heap (new memory costs a page fault a page on these machines) nor give the garbage
// collector anything to walk. Every field of sebs.Sample and sebs.ExecutionResult is written:
// TestSnapshotKeepsEveryField fills each one, by reflection, and reads it back.
//
// A value the format has no room for (a time in a zone other than UTC or the local one; an output holding
// something a decoded response never holds, such as an int, or nested deeper than maxSnapshotDepth) makes
// the snapshot fail, and the call is kept as the values themselves.

// Kinds of value in an output (ExecutionResult.Output and what it holds).
const (
	snapNull byte = iota
	snapFalse
	snapTrue
	snapString
	snapNumber // json.Number
	snapFloat  // float64, a value built by hand rather than decoded
	snapObject
	snapArray
	snapNilObject // a nil map[string]any
	snapNilArray  // a nil []any
)

// Kinds of time.
const (
	snapZeroTime byte = iota // time.Time{}
	snapLocal                // in time.Local
	snapUTC                  // in UTC
)

// maxSnapshotDepth is the deepest nesting of an output a snapshot holds.
const maxSnapshotDepth = 64

// snapWriter appends a snapshot to b; ok turns false, for good, at a value the format cannot hold.
type snapWriter struct {
	b  []byte
	ok bool
}

func (w *snapWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *snapWriter) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *snapWriter) byte(v byte)   { w.b = append(w.b, v) }

func (w *snapWriter) bool(v bool) {
	if v {
		w.byte(1)
	} else {
		w.byte(0)
	}
}

func (w *snapWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *snapWriter) float(f float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(f))
}

func (w *snapWriter) floatPtr(f *float64) {
	w.bool(f != nil)
	if f != nil {
		w.float(*f)
	}
}

func (w *snapWriter) time(t time.Time) {
	switch {
	case t == time.Time{}:
		w.byte(snapZeroTime)
		return
	case t.Location() == time.Local:
		w.byte(snapLocal)
	case t.Location() == time.UTC:
		w.byte(snapUTC)
	default:
		w.ok = false
		return
	}
	w.int(t.Unix())
	w.uint(uint64(t.Nanosecond()))
}

// value writes a value of a decoded output.
func (w *snapWriter) value(v any, depth int) {
	if depth > maxSnapshotDepth {
		w.ok = false
		return
	}
	switch v := v.(type) {
	case nil:
		w.byte(snapNull)
	case bool:
		if v {
			w.byte(snapTrue)
		} else {
			w.byte(snapFalse)
		}
	case string:
		w.byte(snapString)
		w.str(v)
	case json.Number:
		w.byte(snapNumber)
		w.str(string(v))
	case float64:
		w.byte(snapFloat)
		w.float(v)
	case map[string]any:
		if v == nil {
			w.byte(snapNilObject)
			return
		}
		w.byte(snapObject)
		w.uint(uint64(len(v)))
		for k, e := range v {
			w.str(k)
			w.value(e, depth+1)
		}
	case []any:
		if v == nil {
			w.byte(snapNilArray)
			return
		}
		w.byte(snapArray)
		w.uint(uint64(len(v)))
		for _, e := range v {
			w.value(e, depth+1)
		}
	default:
		w.ok = false
	}
}

// sample writes every field of s.
func (w *snapWriter) sample(s *sebs.Sample) {
	w.str(s.Benchmark)
	w.str(s.Function)
	w.str(s.Language)
	w.str(s.Mode)
	w.str(s.Size)
	w.str(s.RequestID)
	w.bool(s.IsCold)
	w.time(s.Begin)
	w.int(s.ClientNS)
	w.int(s.HTTPStartupNS)
	w.int(s.FirstByteNS)
	w.int(s.ServerNS)
	w.bool(s.ConnectionReused)
	w.uint(s.MemoryPeakBytes)
	w.bool(s.ColdStart != nil)
	if st := s.ColdStart; st != nil {
		w.int(int64(st.Create))
		w.int(int64(st.Start))
		w.int(int64(st.Ready))
		w.int(int64(st.FirstByte))
	}
	w.bool(s.Measurement != nil)
	if s.Measurement != nil {
		w.uint(uint64(len(s.Measurement)))
		for k, v := range s.Measurement {
			w.str(k)
			w.float(v)
		}
	}
	w.str(s.Error)
}

// result writes every field of r, which may be nil.
func (w *snapWriter) result(r *sebs.ExecutionResult) {
	w.bool(r != nil)
	if r == nil {
		return
	}
	w.value(r.Output, 0)
	w.str(r.RequestID)
	t := &r.Times
	w.int(t.Client)
	w.time(t.ClientBegin)
	w.time(t.ClientEnd)
	w.int(t.Benchmark)
	w.int(t.Initialization)
	w.floatPtr(t.HTTPStartup)
	w.floatPtr(t.HTTPFirstByteReturn)
	w.int(r.ProviderTimes.Execution)
	w.int(r.ProviderTimes.Initialization)
	w.bool(r.Stats.ColdStart)
	w.bool(r.Stats.Failure)
	w.floatPtr(r.Stats.MemoryUsed)
	w.bool(r.Billing.BilledTime != nil)
	if r.Billing.BilledTime != nil {
		w.int(*r.Billing.BilledTime)
	}
	w.float(r.Billing.GBSeconds)
	w.bool(r.Billing.Memory != nil)
	if r.Billing.Memory != nil {
		w.int(int64(*r.Billing.Memory))
	}
	w.bool(r.Detail != nil)
	if d := r.Detail; d != nil {
		w.bool(d.ConnectionReused)
		w.str(d.ContainerID)
		w.int(d.HandlerNS)
		w.bool(d.MemorySamples != nil)
		if d.MemorySamples != nil {
			w.uint(uint64(len(d.MemorySamples)))
			for _, m := range d.MemorySamples {
				w.time(m.Time)
				w.uint(m.Bytes)
			}
		}
		w.str(d.TimestampSource)
		w.int(d.FirstByteUserNS)
		w.int(d.StartupUserNS)
		w.str(d.Address)
	}
}

// errSnapshot says that a snapshot's bytes end early or hold a kind this package does not write: a bug,
// since the bytes never leave the process that wrote them.
var errSnapshot = errors.New("bench: a kept call's snapshot is damaged (a bug: please report it)")

// snapReader reads a snapshot back; err is set, for good, at bytes that cannot be one, and every read
// after it returns a zero value.
type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) fail() {
	if r.err == nil {
		r.err = errSnapshot
	}
	r.b = nil
}

func (r *snapReader) uint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *snapReader) int() int64 { return readVarint(r, binary.Varint) }

// readVarint reads one varint with decode (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](r *snapReader, decode func([]byte) (T, int)) T {
	v, n := decode(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *snapReader) bool() bool { return r.byte() != 0 }

// count reads a length, which cannot exceed the bytes left: each element takes at least one.
func (r *snapReader) count() int {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *snapReader) str() string {
	n := r.count()
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *snapReader) float() float64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *snapReader) floatPtr() *float64 {
	if !r.bool() {
		return nil
	}
	f := r.float()
	return &f
}

func (r *snapReader) time() time.Time {
	kind := r.byte()
	if kind == snapZeroTime {
		return time.Time{}
	}
	sec, nsec := r.int(), r.uint()
	switch {
	case nsec >= 1e9:
		r.fail()
	case kind == snapLocal:
		return time.Unix(sec, int64(nsec))
	case kind == snapUTC:
		return time.Unix(sec, int64(nsec)).UTC()
	default:
		r.fail()
	}
	return time.Time{}
}

func (r *snapReader) value(depth int) any {
	if depth > maxSnapshotDepth {
		r.fail()
		return nil
	}
	switch kind := r.byte(); kind {
	case snapNull:
		return nil
	case snapFalse:
		return false
	case snapTrue:
		return true
	case snapString:
		return r.str()
	case snapNumber:
		return json.Number(r.str())
	case snapFloat:
		return r.float()
	case snapObject:
		n := r.count()
		m := make(map[string]any, n)
		for range n {
			k := r.str()
			m[k] = r.value(depth + 1)
		}
		return m
	case snapArray:
		a := make([]any, r.count())
		for i := range a {
			a[i] = r.value(depth + 1)
		}
		return a
	case snapNilObject:
		return map[string]any(nil)
	case snapNilArray:
		return []any(nil)
	default:
		r.fail()
		return nil
	}
}

func (r *snapReader) sample() sebs.Sample {
	s := sebs.Sample{Benchmark: r.str(), Function: r.str(), Language: r.str(), Mode: r.str(), Size: r.str(),
		RequestID: r.str(), IsCold: r.bool(), Begin: r.time(), ClientNS: r.int(), HTTPStartupNS: r.int(),
		FirstByteNS: r.int(), ServerNS: r.int(), ConnectionReused: r.bool(), MemoryPeakBytes: r.uint()}
	if r.bool() {
		s.ColdStart = &sebs.Startup{Create: time.Duration(r.int()), Start: time.Duration(r.int()),
			Ready: time.Duration(r.int()), FirstByte: time.Duration(r.int())}
	}
	if r.bool() {
		n := r.count()
		s.Measurement = make(map[string]float64, n)
		for range n {
			k := r.str()
			s.Measurement[k] = r.float()
		}
	}
	s.Error = r.str()
	return s
}

func (r *snapReader) result() *sebs.ExecutionResult {
	if !r.bool() {
		return nil
	}
	res := &sebs.ExecutionResult{}
	output := r.value(0)
	if m, ok := output.(map[string]any); ok {
		res.Output = m
	} else if r.err == nil {
		r.fail() // an output is always an object
	}
	res.RequestID = r.str()
	t := &res.Times
	t.Client, t.ClientBegin, t.ClientEnd = r.int(), r.time(), r.time()
	t.Benchmark, t.Initialization = r.int(), r.int()
	t.HTTPStartup, t.HTTPFirstByteReturn = r.floatPtr(), r.floatPtr()
	res.ProviderTimes.Execution, res.ProviderTimes.Initialization = r.int(), r.int()
	res.Stats.ColdStart, res.Stats.Failure, res.Stats.MemoryUsed = r.bool(), r.bool(), r.floatPtr()
	if r.bool() {
		v := r.int()
		res.Billing.BilledTime = &v
	}
	res.Billing.GBSeconds = r.float()
	if r.bool() {
		v := int(r.int())
		res.Billing.Memory = &v
	}
	if r.bool() {
		d := &sebs.Detail{ConnectionReused: r.bool(), ContainerID: r.str(), HandlerNS: r.int()}
		if r.bool() {
			d.MemorySamples = make([]sebs.MemorySample, r.count())
			for i := range d.MemorySamples {
				d.MemorySamples[i] = sebs.MemorySample{Time: r.time(), Bytes: r.uint()}
			}
		}
		d.TimestampSource, d.FirstByteUserNS, d.StartupUserNS, d.Address = r.str(), r.int(), r.int(), r.str()
		res.Detail = d
	}
	return res
}
