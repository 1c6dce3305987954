package bench

import "iter"

// chunks keeps values in fixed-size blocks: adding one never copies the ones before it, and a long run's
// memory grows a block at a time instead of doubling (issue 16: under load, a slice that doubled copied
// its whole contents, and touched new memory, on some caller's path, under a lock the other callers
// waited for).
type chunks[T any] struct {
	full [][]T
	cur  []T
}

// chunkLen is the number of values in a block.
const chunkLen = 4096

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, chunkLen)
	}
	c.cur = append(c.cur, v)
}

// at returns the value added i-th (from 0).
func (c *chunks[T]) at(i int) T {
	if b := i / chunkLen; b < len(c.full) {
		return c.full[b][i%chunkLen]
	}
	return c.cur[i-len(c.full)*chunkLen]
}

// len is the number of values kept.
func (c *chunks[T]) len() int { return len(c.full)*chunkLen + len(c.cur) }

// all yields the values in the order added, with their index.
func (c *chunks[T]) all() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		i := 0
		for _, b := range append(c.full, c.cur) {
			for _, v := range b {
				if !yield(i, v) {
					return
				}
				i++
			}
		}
	}
}

// slice returns the values in the order added, in a new slice.
func (c *chunks[T]) slice() []T {
	all := make([]T, 0, c.len())
	for _, b := range c.full {
		all = append(all, b...)
	}
	return append(all, c.cur...)
}
