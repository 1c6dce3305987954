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

// NewPerfCostRow returns the result.csv row of r, an invocation of experiment type typ on a function
// with memory MB, as upstream's perf-cost process step derives it.
func NewPerfCostRow(memory int, typ string, r *ExecutionResult) PerfCostRow {
	return PerfCostRow{
		Memory:         memory,
		Type:           typ,
		IsCold:         r.Stats.ColdStart,
		ExecTime:       r.Times.Benchmark,
		ConnectionTime: r.Times.HTTPStartup,
		ClientTime:     r.Times.Client,
		ProviderTime:   r.ProviderTimes.Execution,
		MemUsed:        r.Stats.MemoryUsed,
	}
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
