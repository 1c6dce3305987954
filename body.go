package sebs

import (
	"errors"
	"io"
)

// Chunk sizes for reading a body of unknown length: the first chunk is the
// pooled buffer, each later one twice the previous, at most maxBodyChunk.
const (
	firstBodyChunk = 32 << 10
	maxBodyChunk   = 4 << 20
)

// readBody reads a response body that announced size bytes (-1 when
// unknown), keeping no more than limit+1 bytes: one past the limit tells a
// body at the limit from one beyond it. It returns the body, or over=true
// and the bytes read so far when the body is larger than limit.
//
// Memory stays close to the body's own size. A body that announced its
// size is read into one allocation of that size. Otherwise the body is read
// into a list of chunks (doubling up to maxBodyChunk, never past the limit)
// that are joined once at the end, so an endless body costs limit plus one
// chunk, not the 2-4× of a doubling buffer. first, when it has capacity, is
// used as the first chunk (a pooled buffer); the body may alias it.
func readBody(r io.Reader, size, limit int64, first []byte) (body []byte, over bool, err error) {
	want := limit + 1
	cur := first[:0]
	switch {
	case size >= 0 && size < want && int64(cap(cur)) <= size:
		// +1 so the read that returns io.EOF needs no new chunk.
		cur = make([]byte, 0, size+1)
	case cap(cur) == 0:
		cur = make([]byte, 0, min(firstBodyChunk, want))
	}
	var (
		full  [][]byte // chunks filled before cur
		total int64
	)
	for total < want {
		if len(cur) == cap(cur) {
			full = append(full, cur)
			cur = make([]byte, 0, min(2*int64(cap(cur)), maxBodyChunk, want-total))
		}
		end := min(int64(cap(cur)), int64(len(cur))+want-total)
		n, rerr := r.Read(cur[len(cur):end])
		cur = cur[:len(cur)+n]
		total += int64(n)
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return nil, false, rerr
		}
	}
	if total > limit {
		if len(full) > 0 {
			return full[0], true, nil // enough for an excerpt; the rest is dropped
		}
		return cur, true, nil
	}
	if len(full) == 0 {
		return cur, false, nil
	}
	body = make([]byte, 0, total)
	for i, c := range full {
		body = append(body, c...)
		full[i] = nil
	}
	return append(body, cur...), false, nil
}
