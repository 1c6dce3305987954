package sebs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// LambdaReport is what one AWS Lambda REPORT log line says about an
// invocation, in upstream SeBS's units. Lambda (and AWS's Runtime Interface
// Emulator) prints one per call, after the call:
//
//	REPORT RequestId: <id>\tInit Duration: 0.09 ms\tDuration: 10.48 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t
//
// "Init Duration" appears only on the call that started the function (a cold
// start). "Max Memory Used" is not kept: the emulator prints the configured
// size there, not a measurement.
type LambdaReport struct {
	// RequestID is the invocation's request ID.
	RequestID string
	// Duration is the invocation's duration in µs, truncated as upstream
	// does (int(float(ms) * 1000)).
	Duration int64
	// InitDuration is the function's initialization in µs, truncated the
	// same way; 0 unless Cold.
	InitDuration int64
	// Cold says the line had an "Init Duration": this call started the
	// function.
	Cold bool
	// BilledDuration is the billed time in ms.
	BilledDuration int64
	// MemorySize is the configured memory in MB.
	MemorySize int
}

// maxReportMillis bounds the durations a report may state (about 11 days), so
// conversions to µs cannot overflow.
const maxReportMillis = 1e9

// maxReportMemoryMB bounds "Memory Size" (Lambda allows up to 10240 MB).
const maxReportMemoryMB = 1 << 20

// reportPrefix starts the REPORT line's first field.
const reportPrefix = "REPORT RequestId:"

// ParseLambdaReport reads a REPORT line as upstream SeBS's parse_aws_report
// does: tab-separated "Key: value unit" fields, of which RequestId, Duration,
// Billed Duration and Memory Size are required. Text before "REPORT
// RequestId:" (a log prefix, or a function's unterminated output) is
// ignored. It fails, saying which field is wrong, on a line that is not a
// REPORT line or whose fields are missing or malformed.
func ParseLambdaReport(line string) (LambdaReport, error) {
	i := strings.Index(line, reportPrefix)
	if i < 0 {
		return LambdaReport{}, fmt.Errorf("sebs: Lambda report: %q is not a REPORT line (no %q)", excerpt([]byte(line)), reportPrefix)
	}
	fields := map[string]string{}
	for f := range strings.SplitSeq(line[i:], "\t") {
		key, value, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		if v := strings.Fields(value); len(v) > 0 {
			fields[strings.TrimSpace(key)] = v[0]
		}
	}
	fail := func(format string, a ...any) (LambdaReport, error) {
		return LambdaReport{}, fmt.Errorf("sebs: Lambda report %q: "+format, append([]any{excerpt([]byte(line[i:]))}, a...)...)
	}
	var r LambdaReport
	r.RequestID = fields["REPORT RequestId"]
	if r.RequestID == "" {
		return fail("no request ID")
	}
	var err error
	if r.Duration, err = reportMicros(fields, "Duration"); err != nil {
		return fail("%w", err)
	}
	if _, r.Cold = fields["Init Duration"]; r.Cold {
		if r.InitDuration, err = reportMicros(fields, "Init Duration"); err != nil {
			return fail("%w", err)
		}
	}
	billed, err := reportInt(fields, "Billed Duration", maxReportMillis)
	if err != nil {
		return fail("%w", err)
	}
	mem, err := reportInt(fields, "Memory Size", maxReportMemoryMB)
	if err != nil {
		return fail("%w", err)
	}
	if mem == 0 {
		return fail("Memory Size is 0 MB")
	}
	r.BilledDuration, r.MemorySize = billed, int(mem)
	return r, nil
}

// reportMicros reads a duration field in ms (a decimal number) as µs,
// truncating as upstream's int(float(v) * 1000).
func reportMicros(fields map[string]string, key string) (int64, error) {
	s, ok := fields[key]
	if !ok {
		return 0, fmt.Errorf("no %q field", key)
	}
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(ms) || ms < 0 || ms > maxReportMillis {
		return 0, fmt.Errorf("%s is %q, not a number of milliseconds in [0, %g]", key, s, float64(maxReportMillis))
	}
	return int64(ms * 1000), nil
}

// reportInt reads a whole-number field in [0, max], as upstream's int(v).
func reportInt(fields map[string]string, key string, max int64) (int64, error) {
	s, ok := fields[key]
	if !ok {
		return 0, fmt.Errorf("no %q field", key)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, fmt.Errorf("%s is %q, not a whole number in [0, %d]", key, s, max)
	}
	return n, nil
}

// GBSeconds is what Lambda bills for the call, computed exactly as upstream
// SeBS does: billed seconds × memory in GiB, (billed / 1000) × (memory / 1024).
func (r LambdaReport) GBSeconds() float64 {
	return (float64(r.BilledDuration) / 1000.0) * (float64(r.MemorySize) / 1024.0)
}

// Apply fills res from the report as upstream's parse_aws_report does:
// ProviderTimes.Execution, ProviderTimes.Initialization (cold calls only),
// Billing (memory, billed time, GB-seconds) and Stats.ColdStart. It never
// sets Stats.MemoryUsed (see [LambdaReport]). It fails, leaving res alone,
// when res carries another request ID.
func (r LambdaReport) Apply(res *ExecutionResult) error {
	if res.RequestID != "" && res.RequestID != r.RequestID {
		return fmt.Errorf("sebs: Lambda report of request %q applied to the result of request %q", r.RequestID, res.RequestID)
	}
	res.RequestID = r.RequestID
	res.ProviderTimes.Execution = r.Duration
	res.ProviderTimes.Initialization = r.InitDuration
	res.Stats.ColdStart = r.Cold
	billed, mem := r.BilledDuration, r.MemorySize
	res.Billing.BilledTime, res.Billing.Memory = &billed, &mem
	res.Billing.GBSeconds = r.GBSeconds()
	return nil
}

// ErrNoReport is the kind of [*InvocationError] a [LambdaTrigger] returns when
// the function answered but its REPORT line did not arrive in time.
var ErrNoReport = errors.New("no Lambda REPORT line for the call")
