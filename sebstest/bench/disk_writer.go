package bench

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"
)

// diskWriter writes buffers to one file in the order they are handed over, in a goroutine of its own, so
// that a Recorder's callers never wait for the disk while holding its lock (issue 16: under load, the lock
// was held while 64 KB of samples or a 1 MB block of kept results was written, and 64 callers queued
// behind it). A write that fails stops the writing: that buffer (whole, even if part of it reached the
// file) and every later one are kept, in order, for the owner to hold in memory, and the failure is
// reported by err and close.
type diskWriter struct {
	name string      // the file's name, for errors
	size int         // the capacity of the buffers handed out by buffer
	jobs chan []byte // nil: a drain's marker
	free chan []byte // written buffers, for reuse
	done chan struct{}
	idle chan struct{} // a drain's marker was reached: the buffers before it are written

	failed atomic.Pointer[error] // the first write's failure

	// Owned by the goroutine until done is closed.
	written   int64    // bytes written
	unwritten [][]byte // the buffers from the failed one on
}

// diskQueue is how many buffers may wait for the disk before write blocks: a disk slower than the callers
// slows them down rather than growing the heap without bound.
const diskQueue = 4

// newDiskWriter starts a writer of w, named name in its errors, whose buffers hold size bytes.
func newDiskWriter(w io.Writer, name string, size int) *diskWriter {
	d := &diskWriter{name: name, size: size, jobs: make(chan []byte, diskQueue), free: make(chan []byte, 2),
		done: make(chan struct{}), idle: make(chan struct{})}
	go d.loop(w)
	return d
}

func (d *diskWriter) loop(w io.Writer) {
	defer close(d.done)
	for buf := range d.jobs {
		if buf == nil {
			d.idle <- struct{}{}
			continue
		}
		if d.unwritten != nil {
			d.unwritten = append(d.unwritten, buf)
			continue
		}
		if _, err := w.Write(buf); err != nil {
			if !errors.As(err, new(*fs.PathError)) { // an *os.File's error names the file already
				err = fmt.Errorf("write %s: %w", d.name, err)
			}
			d.failed.Store(&err)
			// The whole buffer is kept, even when part of it reached the file: written stays at the end of
			// the last buffer written, a boundary between whole results for keptResults.
			d.unwritten = append(d.unwritten, buf)
			continue
		}
		d.written += int64(len(buf))
		select {
		case d.free <- buf[:0]:
		default:
		}
	}
}

// write hands buf (not nil) to the writer, which owns it from then on.
func (d *diskWriter) write(buf []byte) { d.jobs <- buf }

// drain waits until every buffer handed over so far is written (or kept, after a failure); the writer
// goes on taking buffers. Run drains the Recorder's writers when it has handed a loop's calls over, so that
// the writing ends before the next loop's clock starts.
func (d *diskWriter) drain() {
	d.jobs <- nil
	<-d.idle
}

// buffer returns an empty buffer of the writer's size, one it wrote out when there is one.
func (d *diskWriter) buffer() []byte {
	select {
	case buf := <-d.free:
		return buf
	default:
		return make([]byte, 0, d.size)
	}
}

// err returns the writer's failure, if a write failed.
func (d *diskWriter) err() error {
	if err := d.failed.Load(); err != nil {
		return *err
	}
	return nil
}

// close waits until every buffer handed over is written and stops the writer. It returns the bytes of
// the buffers written whole and, when a write failed, the bytes of the others (in order) and the failure.
func (d *diskWriter) close() (written int64, unwritten []byte, err error) {
	close(d.jobs)
	<-d.done
	for _, buf := range d.unwritten {
		unwritten = append(unwritten, buf...)
	}
	return d.written, unwritten, d.err()
}
