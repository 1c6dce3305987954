package sebs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// Sample is one invocation as a benchmark run records it in samples.jsonl, one JSON object per line
// (see DESIGN.md, "Benchmark results on disk"). Durations are integer nanoseconds. The benchmark
// helpers write it (package sebstest) and the report reads it (package plot).
type Sample struct {
	Benchmark        string    `json:"benchmark"`
	Function         string    `json:"function"`
	Language         string    `json:"language"`
	Mode             string    `json:"mode"`
	Size             string    `json:"size"`
	RequestID        string    `json:"request_id"`
	IsCold           bool      `json:"is_cold"`
	Begin            time.Time `json:"begin"` // RFC 3339 with nanoseconds
	ClientNS         int64     `json:"client_ns"`
	HTTPStartupNS    int64     `json:"http_startup_ns"`
	FirstByteNS      int64     `json:"first_byte_ns"`
	ServerNS         int64     `json:"server_ns"`
	ConnectionReused bool      `json:"connection_reused"`
	MemoryPeakBytes  uint64    `json:"memory_peak_bytes"`    // 0 when not sampled
	ColdStart        *Startup  `json:"cold_start,omitempty"` // cold and burst modes only
	// Measurement holds the numbers of the handler output's "measurement" object, when it returns one
	// (upstream's benchmarks do: the storage benchmarks' download_time, upload_time and compute_time in µs,
	// download_size and upload_size in bytes). Issue 14. The report (package plot) draws its times and
	// throughput per call.
	Measurement map[string]float64 `json:"measurement,omitempty"`
	Error       string             `json:"error,omitempty"`
}

// ReadSamples reads the samples file at path (samples.jsonl) with [DecodeSamples]: the one reader of
// that file, used by the benchmark helpers, the report and the tests.
func ReadSamples(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sebs: read samples: %w", err)
	}
	defer f.Close()
	samples, err := DecodeSamples(f)
	if err != nil {
		return samples, fmt.Errorf("sebs: read samples from %s: %w", path, err)
	}
	return samples, nil
}

// Failed reports whether the invocation failed, in which case its times mean nothing.
func (s Sample) Failed() bool { return s.Error != "" }

// DecodeSamples reads samples, one JSON object per line, from r, in order; blank lines are skipped. A line
// that is not a sample (not one JSON object, no "function", or a call that did not fail without a
// positive client_ns) is an error naming the line; a last line cut off by a run that died is one too. On
// an error it returns the samples read before it.
func DecodeSamples(r io.Reader) ([]Sample, error) {
	var samples []Sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var s Sample
		dec := json.NewDecoder(bytes.NewReader(text))
		if err := dec.Decode(&s); err != nil {
			return samples, fmt.Errorf("line %d: not a sample: %w", line, err)
		}
		if dec.More() {
			return samples, fmt.Errorf("line %d: not a sample: more than one JSON value on the line", line)
		}
		if s.Function == "" {
			return samples, fmt.Errorf("line %d: sample has no \"function\"", line)
		}
		if !s.Failed() && s.ClientNS <= 0 {
			return samples, fmt.Errorf("line %d: sample of %s has client_ns %d, want a positive duration", line, s.Function, s.ClientNS)
		}
		samples = append(samples, s)
	}
	if err := sc.Err(); err != nil {
		return samples, fmt.Errorf("read samples: %w", err)
	}
	return samples, nil
}
