package sebs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// PerfCostRow is one line of upstream's perf-cost result.csv: one invocation, in upstream's units.
//
//	column           field           unit
//	memory           Memory          MB (upstream: the memory-size suffix of the run, 0 for the default)
//	type             Type            experiment type: cold, warm, burst, sequential
//	is_cold          IsCold          True or False (Python's spelling)
//	exec_time        ExecTime        µs, the function's own begin-to-end time (times.benchmark)
//	connection_time  ConnectionTime  seconds, HTTP startup (times.http_startup); empty when not measured
//	client_time      ClientTime      µs, the whole call as the client saw it (times.client)
//	provider_time    ProviderTime    µs, provider_times.execution, always 0 locally
//	mem_used         MemUsed         MB, stats.memory_used; empty when not measured
type PerfCostRow struct {
	Memory         int
	Type           string
	IsCold         bool
	ExecTime       int64
	ConnectionTime *float64
	ClientTime     int64
	ProviderTime   int64
	MemUsed        *float64
}

// PerfCostColumns returns the header of upstream's perf-cost result.csv, in order.
func PerfCostColumns() []string {
	return []string{"memory", "type", "is_cold", "exec_time", "connection_time", "client_time", "provider_time", "mem_used"}
}

// PerfCost collects upstream's perf-cost accounting of a run's invocations: the result.csv rows of the
// successful ones, and the failed ones, which upstream counts (statistics.failures_count) and never writes
// to result.csv (the CSV has no column saying a row failed). The zero value is ready to use; it is not safe
// for concurrent use.
type PerfCost struct {
	// Rows are the result.csv rows of the successful invocations, in the order they were added.
	Rows []PerfCostRow
	// Failures are the failed invocations' error messages (each at most 1 KiB), as upstream's
	// statistics.failures; len(Failures) is the failure count.
	Failures []string
	// ColdCount is how many of the Rows were cold, as upstream's statistics.cold_count.
	ColdCount int
}

// Add accounts for one invocation of experiment type typ on a function with memory MB: r and err are
// what the trigger's Invoke returned. A nil r, a non-nil err or r.Stats.Failure make it a failure, which
// is counted and not given a row. Add reports whether a row was added.
func (p *PerfCost) Add(memory int, typ string, r *ExecutionResult, err error) bool {
	if err != nil || r == nil || r.Stats.Failure {
		msg := "invocation failed"
		if err != nil {
			msg = clip(err.Error(), 1<<10)
		}
		p.Failures = append(p.Failures, msg)
		return false
	}
	p.Rows = append(p.Rows, NewPerfCostRow(memory, typ, r))
	if r.Stats.ColdStart {
		p.ColdCount++
	}
	return true
}

// Statistics returns the run's statistics in upstream's perf-cost shape.
func (p *PerfCost) Statistics() *PerfCostStatistics {
	return &PerfCostStatistics{
		SamplesGenerated: len(p.Rows),
		Failures:         append([]string{}, p.Failures...),
		FailuresCount:    len(p.Failures),
		Incorrect:        []*ExecutionResult{},
		ColdCount:        p.ColdCount,
	}
}

// PerfCostStatistics is the "statistics" object upstream's perf-cost experiment writes beside its
// results (keys cold_count, failures, failures_count, incorrect, incorrect_count, samples_generated):
// where the count of failed invocations lives, since result.csv has no row for them.
type PerfCostStatistics struct {
	// SamplesGenerated counts the invocations kept (written to result.csv).
	SamplesGenerated int `json:"samples_generated"`
	// Failures are the failed invocations' error messages.
	Failures []string `json:"failures"`
	// FailuresCount counts the failed invocations.
	FailuresCount int `json:"failures_count"`
	// Incorrect are results of the wrong kind for the experiment (a warm call in a cold experiment).
	Incorrect []*ExecutionResult `json:"incorrect"`
	// IncorrectCount counts Incorrect.
	IncorrectCount int `json:"incorrect_count"`
	// ColdCount counts the cold invocations kept.
	ColdCount int `json:"cold_count"`
}

// merge adds other's counts and lists to s.
func (s *PerfCostStatistics) merge(other *PerfCostStatistics) {
	s.SamplesGenerated += other.SamplesGenerated
	s.Failures = append(s.Failures, other.Failures...)
	s.FailuresCount += other.FailuresCount
	s.Incorrect = append(s.Incorrect, other.Incorrect...)
	s.IncorrectCount += other.IncorrectCount
	s.ColdCount += other.ColdCount
}

// NewPerfCostRow returns the result.csv row of r, an invocation of experiment type typ on a function
// with memory MB, as upstream's perf-cost process step derives it. It does not look at r.Stats.Failure:
// use [PerfCost.Add], which leaves failed invocations out as upstream does.
func NewPerfCostRow(memory int, typ string, r *ExecutionResult) PerfCostRow {
	return PerfCostRow{
		Memory:         memory,
		Type:           typ,
		IsCold:         r.Stats.ColdStart,
		ExecTime:       r.Times.Benchmark,
		ConnectionTime: copyFloat(r.Times.HTTPStartup),
		ClientTime:     r.Times.Client,
		ProviderTime:   r.ProviderTimes.Execution,
		MemUsed:        copyFloat(r.Stats.MemoryUsed),
	}
}

// copyFloat returns a pointer to a copy of *p, or nil: a row must not point into its result, which would
// keep the whole result alive as long as the row.
func copyFloat(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// WritePerfCostCSV writes the header and rows as upstream's Python csv writer does: comma-separated,
// CRLF line ends, booleans as True/False, floats as Python's repr, null as an empty field.
func WritePerfCostCSV(w io.Writer, rows []PerfCostRow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(PerfCostColumns()); err != nil {
		return fmt.Errorf("sebs: write result.csv header: %w", err)
	}
	rec := make([]string, 8)
	for _, r := range rows {
		rec[0] = strconv.Itoa(r.Memory)
		rec[1] = r.Type
		rec[2] = pyBool(r.IsCold)
		rec[3] = strconv.FormatInt(r.ExecTime, 10)
		rec[4] = pyOptFloat(r.ConnectionTime)
		rec[5] = strconv.FormatInt(r.ClientTime, 10)
		rec[6] = strconv.FormatInt(r.ProviderTime, 10)
		rec[7] = pyOptFloat(r.MemUsed)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("sebs: write result.csv row: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sebs: write result.csv: %w", err)
	}
	return nil
}

// ReadPerfCostCSV reads a result.csv written by WritePerfCostCSV or by upstream. The header must be
// upstream's.
func ReadPerfCostCSV(r io.Reader) ([]PerfCostRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(PerfCostColumns())
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("sebs: read result.csv: empty file, want the header %s", strings.Join(PerfCostColumns(), ","))
	}
	if err != nil {
		return nil, fmt.Errorf("sebs: read result.csv header: %w", err)
	}
	if !slices.Equal(header, PerfCostColumns()) {
		return nil, fmt.Errorf("sebs: read result.csv: header %q is not upstream's %q", header, PerfCostColumns())
	}
	var rows []PerfCostRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, fmt.Errorf("sebs: read result.csv: %w", err)
		}
		row, err := parsePerfCostRecord(rec)
		if err != nil {
			line, _ := cr.FieldPos(0)
			return rows, fmt.Errorf("sebs: read result.csv line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
}

func parsePerfCostRecord(rec []string) (PerfCostRow, error) {
	var (
		r    PerfCostRow
		errs []error
	)
	num := func(col int) int64 {
		v, err := strconv.ParseInt(rec[col], 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", PerfCostColumns()[col], err))
		}
		return v
	}
	optFloat := func(col int) *float64 {
		if rec[col] == "" {
			return nil
		}
		v, err := strconv.ParseFloat(rec[col], 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", PerfCostColumns()[col], err))
			return nil
		}
		return &v
	}
	r.Memory = int(num(0))
	r.Type = rec[1]
	switch rec[2] {
	case "True", "true":
		r.IsCold = true
	case "False", "false":
	default:
		errs = append(errs, fmt.Errorf("is_cold: %q is neither True nor False", rec[2]))
	}
	r.ExecTime = num(3)
	r.ConnectionTime = optFloat(4)
	r.ClientTime = num(5)
	r.ProviderTime = num(6)
	r.MemUsed = optFloat(7)
	return r, errors.Join(errs...)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// pyOptFloat formats f as Python's repr does (shortest round-trip digits, always a decimal point or an
// exponent), and nil as "" (csv's None).
func pyOptFloat(f *float64) string {
	if f == nil {
		return ""
	}
	v := *f
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
