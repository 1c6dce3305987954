package bench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// failingWriter takes limit bytes, then fails every write (a disk that fills up part way).
type failingWriter struct {
	got   bytes.Buffer
	limit int
}

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	n := min(len(p), max(w.limit-w.got.Len(), 0))
	w.got.Write(p[:n])
	if n < len(p) {
		return n, errDiskFull
	}
	return n, nil
}

// TestDiskWriterKeepsOrderAndWhatFailed: the buffers reach the file in the order handed over, and when the
// disk fails part way, the bytes it did not take come back, in order, with the failure.
func TestDiskWriterKeepsOrderAndWhatFailed(t *testing.T) {
	for _, limit := range []int{1 << 30, 0, 250, 1000} {
		w := &failingWriter{limit: limit}
		d := newDiskWriter(w, "test file", 16)
		var want []byte
		wantWritten, failed := 0, false // the buffers written whole before the first failure
		for i := range 100 {
			buf := d.buffer()
			buf = append(buf, strconv.Itoa(i)+";"...)
			want = append(want, buf...)
			if failed = failed || wantWritten+len(buf) > limit; !failed {
				wantWritten += len(buf)
			}
			d.write(buf) // the buffer is the writer's now; a reused one must not change what was handed over
		}
		written, unwritten, err := d.close()
		if got := append(w.got.Bytes()[:written:written], unwritten...); !bytes.Equal(got, want) {
			t.Fatalf("limit %d: written then unwritten are\n%s\nwant\n%s", limit, got, want)
		}
		if errors.Is(err, errDiskFull) != failed || int(written) != wantWritten {
			t.Fatalf("limit %d: %d bytes written, error %v; want %d and a failure %v", limit, written, err, wantWritten, failed)
		}
		if err != nil && !strings.Contains(err.Error(), "test file") {
			t.Errorf("the failure %q does not name the file", err)
		}
	}
}

// TestDiskWriterDrain: once drain returns, every buffer handed over before it is in the file (the writer
// goroutine alone touches the file until then: the race detector would see a read of got during a write),
// and the writer goes on taking buffers.
func TestDiskWriterDrain(t *testing.T) {
	w := &failingWriter{limit: 1 << 30}
	d := newDiskWriter(w, "test file", 16)
	var want []byte
	for round := range 3 {
		for i := range 10 {
			buf := append(d.buffer(), strconv.Itoa(round*10+i)+";"...)
			want = append(want, buf...)
			d.write(buf)
		}
		d.drain()
		if got := w.got.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("round %d: after drain the file holds\n%s\nwant\n%s", round, got, want)
		}
	}
	if written, _, err := d.close(); err != nil || int(written) != len(want) {
		t.Errorf("close: %d bytes, %v", written, err)
	}
}

// TestRecorderReportsAFailingSamplesFile: when samples.jsonl cannot be written (written off the callers'
// lock, so noticed after the fact), the calls recorded after that fail, and Close reports it with the
// count of samples lost, rather than the run carrying on without its samples.
func TestRecorderReportsAFailingSamplesFile(t *testing.T) {
	rec, err := NewRecorder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec.samples.Close()
	rec.samples = readOnlyFile(t) // every write fails
	s, _ := fakeCall("r-0", false)
	s.Error = strings.Repeat("x", samplesBuffer) // one line fills a block: it goes to the disk writer
	if err := rec.Record(s, nil, 128); err != nil {
		t.Fatalf("the first call's record: %v; want it handed to the disk writer, whose failure comes later", err)
	}
	if rec.disk == nil {
		t.Fatal("a full block was not handed to a disk writer")
	}
	for deadline := time.Now().Add(time.Minute); rec.disk.err() == nil; runtime.Gosched() { // the writer's try
		if time.Now().After(deadline) {
			t.Fatal("the disk writer did not fail within a minute writing to a read-only file")
		}
	}
	if err := rec.Record(s, nil, 128); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("recording after samples.jsonl failed: %v; want the write's failure naming the file", err)
	}
	err = rec.Close()
	if err == nil || !strings.Contains(err.Error(), "samples not written") {
		t.Fatalf("Close after samples.jsonl failed: %v; want the failure and what was lost", err)
	}
}

// readOnlyFile returns a file opened for reading only, whose every write fails; the test closes it.
func readOnlyFile(t *testing.T) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "read-only")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
