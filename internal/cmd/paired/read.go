package main

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// A process holds one process's results, block by block: one block when its results name none.
type process []block

// A block holds one block's results (all of a process's when they name no blocks): for each sub-benchmark
// and value of the compared key (an implementation, by default), the mean of each unit over its rounds.
// Values are paired within a block.
type block map[cell]map[string]*mean

// A cell is one value of the compared key (an implementation, by default) in one sub-benchmark, named
// without the compared key and the round.
type cell struct{ group, value string }

// mean accumulates a mean.
type mean struct {
	sum float64
	n   int
}

// value is the mean of the values added.
func (m *mean) value() float64 { return m.sum / float64(m.n) }

// readProcesses splits benchmark output into processes, each starting at a "goos:" line, and reads
// each one's results, keyed by the value of /key= in their names, into its blocks (/block=k), in the order
// they first appear. Results without that key are left out. A malformed
// benchmark line (a benchmark that failed after its first run prints "--- FAIL" in place of its figures; a
// process killed mid-line leaves half a line) is left out too and returned as a warning naming it, as
// benchstat does.
func readProcesses(data []byte, fileName, key string) (procs []process, warnings []string, err error) {
	for _, c := range splitProcesses(data) {
		// A process's results fall into its blocks (the /block= element), in the order they first appear;
		// results without one are one block.
		var blocks []string
		byBlock := map[string]block{}
		r := benchfmt.NewReader(bytes.NewReader(c.text), fileName)
		for r.Scan() {
			switch rec := r.Result().(type) {
			case *benchfmt.SyntaxError:
				warnings = append(warnings, fmt.Sprintf("%s:%d: %s (a benchmark that failed or was cut short?); line left out",
					fileName, c.line+rec.Line-1, rec.Msg))
			case *benchfmt.Result:
				c, blk, ok := cellOf(rec, key)
				if !ok {
					continue
				}
				p := byBlock[blk]
				if p == nil {
					p = block{}
					byBlock[blk] = p
					blocks = append(blocks, blk)
				}
				p.add(c, rec.Values)
			}
		}
		if err := r.Err(); err != nil {
			return nil, warnings, fmt.Errorf("read %s: %w", fileName, err)
		}
		var proc process
		for _, blk := range blocks {
			if b := byBlock[blk]; len(b) > 0 {
				proc = append(proc, b)
			}
		}
		if len(proc) > 0 {
			procs = append(procs, proc)
		}
	}
	return procs, warnings, nil
}

// cellOf returns the result's cell (its name without the compared key, the round and the block, and its
// value of key) and its block ("" when it names none); ok is false when its name has no /key= element.
func cellOf(res *benchfmt.Result, key string) (c cell, blk string, ok bool) {
	name, parts := res.Name.Parts()
	c.group = string(name)
	for _, part := range parts {
		s := string(part)
		if v, found := strings.CutPrefix(s, "/"+key+"="); found {
			c.value, ok = v, true
		} else if v, found := strings.CutPrefix(s, "/block="); found {
			blk = v
		} else if !strings.HasPrefix(s, "/round=") {
			c.group += s
		}
	}
	return c, blk, ok
}

// add adds a result's values to the block, under its cell.
func (p block) add(c cell, values []benchfmt.Value) {
	if p[c] == nil {
		p[c] = map[string]*mean{}
	}
	for _, v := range values {
		m := p[c][v.Unit]
		if m == nil {
			m = &mean{}
			p[c][v.Unit] = m
		}
		m.sum += v.Value
		m.n++
	}
}

// A chunk is one process's output and the line of the file it starts at.
type chunk struct {
	text []byte
	line int
}

// splitProcesses cuts data before every line that starts with "goos:".
func splitProcesses(data []byte) []chunk {
	var chunks []chunk
	start, startLine, line := 0, 1, 1
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if end >= 0 {
			next = i + end + 1
		}
		if bytes.HasPrefix(data[i:next], []byte("goos:")) && i > start {
			chunks = append(chunks, chunk{data[start:i], startLine})
			start, startLine = i, line
		}
		i = next
		line++
	}
	if start < len(data) {
		chunks = append(chunks, chunk{data[start:], startLine})
	}
	return chunks
}
