package bench

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gosebs/sebs"
)

// EnvResultsDir names the environment variable that asks for result files: the folder to write them to.
const EnvResultsDir = "SEBS_RESULTS_DIR"

// Files a Recorder writes under its folder.
const (
	samplesFile     = "samples.jsonl"
	experimentsFile = "experiments.json"
	perfCostCSVFile = "perf-cost/result.csv"
)

// A Recorder writes benchmark results to a folder: every call to samples.jsonl as it is recorded (appended in
// blocks; [Run] hands a loop's calls over when the loop ends), and, on Close, every invocation to
// experiments.json (upstream's ExperimentResult) and perf-cost/result.csv (upstream's columns), merged with
// the files already there. See DESIGN.md, "Benchmark results on disk".
//
// Create one per test process, in TestMain, pass it to [Run] through [Spec].Recorder, and Close it after
// m.Run (Close also ends the goroutines that write its files). It is safe for concurrent use; a nil
// *Recorder records nothing. Nothing about it is package state: two Recorders on two folders are
// independent.
//
// The files hold what the functions returned and measured, the labels and the function configs; never
// environment values or credentials. As upstream's perf-cost processing does, the handler output
// (result.output) is left out of experiments.json unless KeepOutputs is set, since it can be large.
type Recorder struct {
	// KeepOutputs keeps each invocation's handler output in experiments.json. Set it before the first
	// Record.
	KeepOutputs bool

	dir string

	mu      sync.Mutex
	samples *os.File
	disk    *diskWriter           // writes samples.jsonl off the lock; nil until the first hand-over
	pending []byte                // samples not yet handed to disk; see flushEvery
	flushed time.Time             // when pending was last handed over
	exp     sebs.ExperimentResult // everything but the invocations, which are in kept until Close
	perf    sebs.PerfCost         // the failures, counted in experiments.json's statistics; the rows are added at Close
	kept    keptResults           // the successful calls, for experiments.json's invocations and result.csv's rows
	calls   int                   // calls kept for the upstream files (failed ones included)
	runs    map[runKey]bool
	rts     map[sebs.Runtime]bool // the functions' runtimes, for experiments.json's config
	lastRun runKey                // the key last added to runs
	lastRT  sebs.Runtime          // the runtime last added to rts
	maxConc int
	closed  bool

	logBlocks blockPool // the blocks of Runs' call logs, kept between Runs (call_log.go)
	logLimit  int       // the bytes a Run's call log holds before the call that fills it records them; 0: maxLogged
}

// runKey identifies one benchmark configuration in experiments.json's config.
type runKey struct{ benchmark, language, mode, size string }

// NewRecorder returns a Recorder writing to dir, which it creates if needed, and opens dir/samples.jsonl
// for appending.
func NewRecorder(dir string) (*Recorder, error) {
	if dir == "" {
		return nil, errors.New("bench: new recorder: empty folder name; set " + EnvResultsDir + " or pass a folder")
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(perfCostCSVFile)), 0o755); err != nil {
		return nil, fmt.Errorf("bench: new recorder: create results folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, samplesFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bench: new recorder: open samples: %w", err)
	}
	return &Recorder{dir: dir, samples: f, pending: make([]byte, 0, samplesBuffer), flushed: time.Now(),
		runs: make(map[runKey]bool), rts: make(map[sebs.Runtime]bool)}, nil
}

// RecorderFromEnv returns a Recorder for the folder named by SEBS_RESULTS_DIR, or nil (and no error)
// when the variable is unset or empty.
func RecorderFromEnv() (*Recorder, error) {
	dir := os.Getenv(EnvResultsDir)
	if dir == "" {
		return nil, nil
	}
	return NewRecorder(dir)
}

// Dir returns the folder the Recorder writes to; "" for a nil Recorder.
func (r *Recorder) Dir() string {
	if r == nil {
		return ""
	}
	return r.dir
}

// Record writes s as a line of samples.jsonl and keeps res (which may be nil for a call that returned
// nothing) for experiments.json and result.csv, with memoryMB as the function's configured memory and
// s.Language as its runtime's language. A call that failed (s.Error set, res nil or res.Stats.Failure)
// gets no row in result.csv and no entry in experiments.json's _invocations, as upstream's perf-cost
// experiment does: it is counted, with its error, in experiments.json's statistics. A cold call in warm
// mode goes to samples.jsonl only, as upstream's warm experiment drops cold results. It is a no-op on a
// nil Recorder. Record may modify res (it drops the handler output unless KeepOutputs), so call it after
// the output was validated.
func (r *Recorder) Record(s sebs.Sample, res *sebs.ExecutionResult, memoryMB int) error {
	return r.record(s, res, sebs.FunctionConfig{Memory: memoryMB, Runtime: sebs.Runtime{Language: sebs.Language(s.Language)}}, time.Now())
}

// record is Record with the function's config, whose runtime experiments.json's config names, and the time
// the call was recorded, which experiments.json's begin and end times cover.
func (r *Recorder) record(s sebs.Sample, res *sebs.ExecutionResult, cfg sebs.FunctionConfig, recorded time.Time) error {
	if r == nil {
		return nil
	}
	// The work that needs no shared state is done before the lock: under load 64 callers record at once,
	// and waiting for the lock cost them more than the work in it (issue 16; a mutex profile of
	// BenchmarkLoadOverhead put 43% of all lock waiting here when the line was encoded under the lock).
	lp := linePool.Get().(*[]byte)
	defer putLine(lp)
	var kept []byte                      // the result's JSON, for experiments.json
	line, err := s.AppendJSON((*lp)[:0]) // without reflection
	if err != nil {
		return fmt.Errorf("bench: record sample: %w", err)
	}
	line = append(line, '\n')
	*lp = line
	var callErr error
	if s.Error != "" {
		callErr = errors.New(s.Error)
	}
	// A call that failed is counted, not kept; nor is a cold call in warm mode (upstream's warm experiment
	// drops cold results: samples.jsonl only).
	warmCold := s.Mode == string(ModeWarm) && s.IsCold
	keep := !warmCold && callErr == nil && res != nil && !res.Stats.Failure
	var keepErr error // why a successful call's result cannot be kept: the call then counts as failed
	if keep {
		if !r.KeepOutputs {
			dropHandlerOutput(res)
		}
		encoded := len(line)
		line, keepErr = res.AppendJSON(line)
		if keepErr == nil && len(line)-encoded > math.MaxInt32 {
			keepErr = fmt.Errorf("its JSON is %d bytes, more than experiments.json can keep of one call", len(line)-encoded)
		}
		*lp = line
		line, kept = line[:encoded], line[encoded:]
		if keepErr != nil {
			keepErr = fmt.Errorf("bench: record result of request %q: %w", s.RequestID, keepErr)
			keep, callErr = false, keepErr
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("bench: record sample: the recorder is closed; Close it after the benchmarks, in TestMain")
	}
	if err := r.writeSample(line); err != nil {
		return fmt.Errorf("bench: record sample to %s: %w", r.samples.Name(), err)
	}
	// A run's calls come one after another: the maps are written when the run or runtime changes, not per
	// call under the lock (hashing four strings each time).
	if key := (runKey{s.Benchmark, s.Language, s.Mode, s.Size}); key != r.lastRun || len(r.runs) == 0 {
		r.runs[key], r.lastRun = true, key
	}
	if cfg.Runtime.Language != "" && (cfg.Runtime != r.lastRT || len(r.rts) == 0) {
		r.rts[cfg.Runtime], r.lastRT = true, cfg.Runtime
	}
	if warmCold {
		return nil
	}
	r.calls++
	r.exp.Observe(s.Begin)
	r.exp.Observe(recorded)
	if !keep { // a failure: counted in statistics, no row, no invocation
		r.perf.Add(cfg.Memory, s.Mode, res, callErr)
		return keepErr
	}
	r.kept.add(s.Function, s.Mode, cfg.Memory, res, kept) // its row and invocation are made at Close
	return nil
}

// linePool holds the buffers record encodes samples.jsonl lines (and the calls' results) into, one per
// call under way.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// putLine returns a buffer to linePool unless a large result grew it: the pool is for the common size.
func putLine(b *[]byte) {
	if cap(*b) <= 64<<10 {
		linePool.Put(b)
	}
}

// Samples are written in blocks rather than a write(2) per call, which under load cost the caller a
// system call each: the samples pending go to the disk writer when they reach samplesBuffer bytes, when a
// call is recorded flushEvery or more after the last hand-over, when Run has recorded a loop's calls, and at
// Close. A process killed mid-run loses the samples pending (at most samplesBuffer bytes; while calls keep
// coming, less than flushEvery of them), the blocks the disk has not yet taken (at most diskQueue, written
// as soon as it can), and the calls of a Run's loop under way, which Run records when the loop ends (callLog).
const (
	samplesBuffer = 64 << 10
	flushEvery    = 250 * time.Millisecond
)

// writeSample adds a line to samples.jsonl (see samplesBuffer). r.mu is held; the disk is not waited for.
// It returns the disk writer's failure, if an earlier block could not be written.
func (r *Recorder) writeSample(line []byte) error {
	if r.disk != nil {
		if err := r.disk.err(); err != nil {
			return err
		}
	}
	r.pending = append(r.pending, line...)
	if now := time.Now(); len(r.pending) >= samplesBuffer || now.Sub(r.flushed) >= flushEvery {
		r.handOver(now)
	}
	return nil
}

// handOver gives the samples pending to the disk writer. r.mu is held.
func (r *Recorder) handOver(now time.Time) {
	r.flushed = now
	if r.disk == nil {
		r.disk = newDiskWriter(r.samples, r.samples.Name(), samplesBuffer)
	}
	r.disk.write(r.pending)
	r.pending = r.disk.buffer()
}

// writeOut gives the samples pending to the disk writer and waits until the disk writers have written
// every block handed to them: Run calls it when it has recorded a loop's calls, off the clock, so that the
// last of them do not wait in memory for the next loop's, and the writing does not go on into it. It does
// nothing on a nil or closed Recorder.
func (r *Recorder) writeOut() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if len(r.pending) > 0 {
		r.handOver(time.Now())
	}
	if r.disk != nil {
		r.disk.drain()
	}
	if r.kept.disk != nil {
		r.kept.disk.drain()
	}
}

// closeSamples writes the samples still pending, waits for the disk writer, and closes samples.jsonl.
// r.mu is held.
func (r *Recorder) closeSamples() error {
	var errs []error
	if r.disk != nil {
		_, unwritten, err := r.disk.close()
		if err != nil {
			lost := bytes.Count(unwritten, []byte{'\n'}) + bytes.Count(r.pending, []byte{'\n'})
			errs = append(errs, fmt.Errorf("%w (%d samples not written, or cut short)", err, lost))
			r.pending = nil
		}
	}
	if len(r.pending) > 0 {
		if _, err := r.samples.Write(r.pending); err != nil {
			errs = append(errs, fmt.Errorf("write %s: %w", r.samples.Name(), err))
		}
	}
	return errors.Join(append(errs, r.samples.Close())...)
}

// dropHandlerOutput deletes result.output (or result.result) from a response, as upstream's perf-cost
// processing does, keeping only its "measurement" object when it has one (see keepMeasurement).
func dropHandlerOutput(res *sebs.ExecutionResult) {
	if wrapped, ok := res.Output["result"].(map[string]any); ok {
		if keepMeasurement(wrapped) { // issue 14: upstream's per-call measurement stays
			return
		}
		if _, ok := wrapped["output"]; ok {
			delete(wrapped, "output")
		} else {
			delete(wrapped, "result")
		}
	}
}

// checkOpen returns an error when the Recorder is closed: Run checks before its loop, which would
// otherwise find out only when it hands the loop's calls over. Nil for a nil Recorder.
func (r *Recorder) checkOpen() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("bench: run: the recorder is closed; Close it after the benchmarks, in TestMain")
	}
	return nil
}

// noteConcurrency records a benchmark's concurrency for experiments.json's concurrent-invocations.
func (r *Recorder) noteConcurrency(n int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.maxConc = max(r.maxConc, n)
	r.mu.Unlock()
}
