package bench

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// filler sets every field it reaches to a value of its own (no zero values), so a field a snapshot leaves
// out reads back as zero and shows in the diff. It fills structs field by field, pointers with a new
// value, slices with two elements and maps with two entries; times are in the local zone.
type filler struct{ n int }

func (f *filler) next() int { f.n++; return f.n }

func (f *filler) fill(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Unix(int64(1_700_000_000+f.next()), int64(f.next()))))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			f.fill(v.Field(i))
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			f.fill(v.Index(i))
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k)
			f.fill(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Interface: // an output's value: an object holding each kind a decoded response holds
		v.Set(reflect.ValueOf(map[string]any{"s": "x" + string(rune('a'+f.next()%26)), "n": json.Number("12.5e3"),
			"t": true, "f": false, "null": nil, "float": 0.25, "a": []any{"y", json.Number("-1"), map[string]any{}},
			"nil-object": map[string]any(nil), "nil-array": []any(nil)}))
	case reflect.String:
		v.SetString("s" + string(rune('a'+f.next()%26)) + "\"\\<é\n")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(-int64(f.next()) * 1_000_003)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(uint64(f.next()) * 1_000_003)
	case reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.125)
	default:
		panic("filler: no value for kind " + v.Kind().String() + ": teach it, and the snapshot, the new field")
	}
}

// everyField returns a sample and a result with every field set.
func everyField(t *testing.T) (sebs.Sample, *sebs.ExecutionResult) {
	t.Helper()
	var s sebs.Sample
	res := &sebs.ExecutionResult{}
	f := &filler{}
	f.fill(reflect.ValueOf(&s).Elem())
	f.fill(reflect.ValueOf(res).Elem())
	return s, res
}

// TestSnapshotKeepsEveryField fills every field of a sample and a result (a field added to either later
// is filled too, and fails here until the snapshot writes it) and reads them back.
func TestSnapshotKeepsEveryField(t *testing.T) {
	s, res := everyField(t)
	recorded := time.Now()
	entry, ok := snapshotCall(nil, 3, recorded, &s, res)
	if !ok {
		t.Fatal("the snapshot could not hold a result of the kinds a decoded response holds")
	}
	r := snapReader{b: entry}
	if kind := r.byte(); kind != logSnapshot {
		t.Fatalf("entry kind %d", kind)
	}
	fn, at := int(r.uint()), r.time()
	gotS, gotRes := r.sample(), r.result()
	if r.err != nil || len(r.b) != 0 {
		t.Fatalf("read back: %v, %d bytes left", r.err, len(r.b))
	}
	if fn != 3 || !at.Equal(recorded) {
		t.Errorf("function %d at %v, want 3 at %v", fn, at, recorded)
	}
	// cmp compares times with Equal; the zones must be the same too, since the files write them.
	sameZone := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) && a.Location() == b.Location() })
	if diff := cmp.Diff(s, gotS, sameZone); diff != "" {
		t.Errorf("sample read back differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(res, gotRes, sameZone); diff != "" {
		t.Errorf("result read back differs (-want +got):\n%s", diff)
	}
	// And so do the files' bytes, in the local zone and in UTC.
	wantLine, err := s.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := gotS.AppendJSON(nil); err != nil || string(got) != string(wantLine) {
		t.Errorf("sample line read back:\n%s\nwant\n%s (%v)", got, wantLine, err)
	}
	utc := s
	utc.Begin = s.Begin.UTC()
	entry, _ = snapshotCall(nil, 0, recorded, &utc, nil)
	r = snapReader{b: entry[1:]}
	r.uint()
	r.time()
	if got, want := r.sample().Begin, utc.Begin; r.err != nil || got.Location() != time.UTC || !got.Equal(want) {
		t.Errorf("a UTC begin read back as %v (%v), want %v", got, r.err, want)
	}
	want, err := res.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := gotRes.AppendJSON(nil); err != nil || string(got) != string(want) {
		t.Errorf("result JSON read back:\n%s\nwant\n%s (%v)", got, want, err)
	}
}

func TestSnapshotKeepsNilsAndZeros(t *testing.T) {
	for name, res := range map[string]*sebs.ExecutionResult{
		"nil result":   nil,
		"zero result":  {},
		"empty output": {Output: map[string]any{}, Detail: &sebs.Detail{MemorySamples: []sebs.MemorySample{}}},
		"utc times": {Times: sebs.ExecutionTimes{ClientBegin: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)},
			Detail: &sebs.Detail{MemorySamples: []sebs.MemorySample{{Time: time.Unix(0, 1).UTC(), Bytes: 0}}}},
	} {
		t.Run(name, func(t *testing.T) {
			s := sebs.Sample{Measurement: map[string]float64{}, Begin: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}
			entry, ok := snapshotCall(nil, 0, time.Time{}, &s, res)
			if !ok {
				t.Fatal("not held")
			}
			r := snapReader{b: entry[1:]}
			r.uint()
			r.time()
			gotS, gotRes := r.sample(), r.result()
			if r.err != nil {
				t.Fatal(r.err)
			}
			sameZone := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) && a.Location() == b.Location() })
			if diff := cmp.Diff(s, gotS, sameZone); diff != "" {
				t.Errorf("sample (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(res, gotRes, sameZone); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSnapshotRefusesWhatItCannotHold: such calls are kept as values (callLog.addObject).
func TestSnapshotRefusesWhatItCannotHold(t *testing.T) {
	deep := map[string]any{}
	for range maxSnapshotDepth + 2 {
		deep = map[string]any{"d": deep}
	}
	zone := time.FixedZone("odd", 3600)
	for name, res := range map[string]*sebs.ExecutionResult{
		"an int in the output": {Output: map[string]any{"n": 1}},
		"a struct":             {Output: map[string]any{"v": struct{}{}}},
		"too deep":             {Output: deep},
		"another zone":         {Times: sebs.ExecutionTimes{ClientBegin: time.Now().In(zone)}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, ok := snapshotCall(nil, 0, time.Now(), &sebs.Sample{}, res); ok {
				t.Error("held")
			}
		})
	}
}

// TestSnapshotReaderRefusesDamage: every cut of a good entry, and bytes that are no entry, give an error,
// not a panic or a value.
func TestSnapshotReaderRefusesDamage(t *testing.T) {
	s, res := everyField(t)
	entry, ok := snapshotCall(nil, 1, time.Now(), &s, res)
	if !ok {
		t.Fatal("not held")
	}
	read := func(b []byte) error {
		r := snapReader{b: b}
		r.byte()
		r.uint()
		r.time()
		r.sample()
		r.result()
		return r.err
	}
	for n := range len(entry) {
		if err := read(entry[:n]); err == nil {
			t.Fatalf("an entry cut to %d of %d bytes read without error", n, len(entry))
		}
	}
	// Each byte changed to every other value: the reader may read a different call, but must not panic or
	// run past the bytes (the race detector and bounds checks would say).
	for i := range entry {
		for v := range 256 {
			damaged := slices.Clone(entry)
			damaged[i] = byte(v)
			_ = read(damaged)
		}
	}
	for _, b := range [][]byte{{0, 0, 9}, {0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte(strings.Repeat("\xff", 40))} {
		if err := read(b); err == nil {
			t.Errorf("%q read without error", b)
		}
	}
}
