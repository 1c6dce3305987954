package sebs_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// Lines as the emulator prints them (tab-separated, trailing tab).
const (
	coldReport = "REPORT RequestId: 3f1c-cold\tInit Duration: 0.09 ms\tDuration: 10.48 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t"
	warmReport = "REPORT RequestId: 3f1c-warm\tDuration: 2000.00 ms\tBilled Duration: 2000 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t"
)

func TestParseLambdaReport(t *testing.T) {
	r, err := sebs.ParseLambdaReport(coldReport)
	if err != nil {
		t.Fatal(err)
	}
	want := sebs.LambdaReport{RequestID: "3f1c-cold", Duration: 10480, InitDuration: 90, Cold: true, BilledDuration: 11, MemorySize: 128}
	if r != want {
		t.Errorf("cold report = %+v, want %+v", r, want)
	}
	r, err = sebs.ParseLambdaReport("2026-12-01T18:44:35Z " + warmReport)
	if err != nil {
		t.Fatal(err)
	}
	want = sebs.LambdaReport{RequestID: "3f1c-warm", Duration: 2000000, BilledDuration: 2000, MemorySize: 256}
	if r != want {
		t.Errorf("warm report with a log prefix = %+v, want %+v", r, want)
	}
}

// TestParseLambdaReportTruncatesAsUpstream: upstream computes int(float(ms) * 1000), which truncates the
// binary product, so 2.01 ms is 2009 µs there (2.01 * 1000 = 2009.9999999999998), and must be here too.
func TestParseLambdaReportTruncatesAsUpstream(t *testing.T) {
	r, err := sebs.ParseLambdaReport("REPORT RequestId: x\tDuration: 2.01 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\t")
	if err != nil {
		t.Fatal(err)
	}
	if r.Duration != 2009 {
		t.Errorf("Duration 2.01 ms = %d µs, want upstream's 2009", r.Duration)
	}
}

func TestParseLambdaReportRejects(t *testing.T) {
	for _, line := range []string{
		"START RequestId: x Version: $LATEST",
		"REPORT RequestId: \tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tBilled Duration: 1 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tDuration: 1 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms",
		"REPORT RequestId: x\tDuration: -1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tDuration: NaN ms\tBilled Duration: 1 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1.5 ms\tMemory Size: 128 MB",
		"REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 0 MB",
		"REPORT RequestId: x\tInit Duration: lots\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB",
	} {
		if r, err := sebs.ParseLambdaReport(line); err == nil {
			t.Errorf("ParseLambdaReport(%q) = %+v, want an error", line, r)
		}
	}
}

// TestLambdaReportApply: the billing is upstream's: memory/1024 × billed/1000 GB-seconds, and the
// emulator's Max Memory Used never reaches Stats.MemoryUsed.
func TestLambdaReportApply(t *testing.T) {
	r, err := sebs.ParseLambdaReport(coldReport)
	if err != nil {
		t.Fatal(err)
	}
	var res sebs.ExecutionResult
	if err := r.Apply(&res); err != nil {
		t.Fatal(err)
	}
	if res.ProviderTimes.Execution != 10480 || res.ProviderTimes.Initialization != 90 || !res.Stats.ColdStart {
		t.Errorf("provider times %+v, cold %v; want 10480/90 µs, cold", res.ProviderTimes, res.Stats.ColdStart)
	}
	if *res.Billing.BilledTime != 11 || *res.Billing.Memory != 128 || res.Billing.GBSeconds != (11/1000.0)*(128/1024.0) {
		t.Errorf("billing %d ms, %d MB, %v GB-s; want 11, 128, %v", *res.Billing.BilledTime, *res.Billing.Memory, res.Billing.GBSeconds, (11/1000.0)*(128/1024.0))
	}
	if res.Stats.MemoryUsed != nil {
		t.Errorf("memory used = %v from the emulator's fake figure, want nil", *res.Stats.MemoryUsed)
	}
	other := sebs.ExecutionResult{RequestID: "another"}
	if err := r.Apply(&other); err == nil || other.ProviderTimes.Execution != 0 {
		t.Errorf("Apply to another request's result = %v, execution %d; want an error and no change", err, other.ProviderTimes.Execution)
	}
}

func FuzzParseLambdaReport(f *testing.F) {
	for _, s := range []string{coldReport, warmReport, "REPORT RequestId: a\tDuration: 1e3 ms\tBilled Duration: 0 ms\tMemory Size: 1 MB",
		"REPORT RequestId: a b\tDuration:\tBilled Duration: 9223372036854775807 ms\tMemory Size: 10240 MB", "REPORT RequestId:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := sebs.ParseLambdaReport(line)
		if err != nil {
			if !strings.Contains(err.Error(), "Lambda report") {
				t.Fatalf("error %q does not say what it parsed", err)
			}
			return
		}
		if r.RequestID == "" || strings.ContainsAny(r.RequestID, " \t\n") {
			t.Fatalf("request ID %q", r.RequestID)
		}
		if r.Duration < 0 || r.InitDuration < 0 || r.BilledDuration < 0 || r.MemorySize <= 0 {
			t.Fatalf("negative figure in %+v", r)
		}
		if !r.Cold && r.InitDuration != 0 {
			t.Fatalf("warm report with an init duration: %+v", r)
		}
		var res sebs.ExecutionResult
		if err := r.Apply(&res); err != nil {
			t.Fatal(err)
		}
		if res.Billing.GBSeconds != (float64(r.BilledDuration)/1000.0)*(float64(r.MemorySize)/1024.0) || res.Billing.GBSeconds < 0 {
			t.Fatalf("GB-seconds %v for %+v", res.Billing.GBSeconds, r)
		}
		if res.Stats.ColdStart != r.Cold || res.Stats.MemoryUsed != nil {
			t.Fatalf("stats %+v for %+v", res.Stats, r)
		}
		if strings.ContainsAny(line, "\n") {
			return // the log stream would split it into lines
		}
		var rs sebs.LambdaReports
		_, _ = rs.Write([]byte(line + "\n"))
		got, ok := rs.Take(r.RequestID)
		if !ok || got != r {
			t.Fatalf("LambdaReports took %+v (%v) from the same line, want %+v", got, ok, r)
		}
	})
}

// TestLambdaReportsWait: a report written in pieces, interleaved with other output, reaches the waiter
// of its request ID; others stay pending until taken.
func TestLambdaReportsWait(t *testing.T) {
	var rs sebs.LambdaReports
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r, err := rs.Wait(ctx, "3f1c-cold")
		if err == nil && r.Duration != 10480 {
			err = errors.New("wrong report")
		}
		got <- err
	}()
	_, _ = rs.Write([]byte("START RequestId: 3f1c-warm Version: $LATEST\nfunction output\n" + warmReport + "\n"))
	_, _ = rs.Write([]byte(coldReport[:20]))
	_, _ = rs.Write([]byte(coldReport[20:] + "\nEND RequestId: x\n"))
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if _, ok := rs.Take("3f1c-cold"); ok {
		t.Error("a report was handed out twice")
	}
	if r, ok := rs.Take("3f1c-warm"); !ok || r.MemorySize != 256 {
		t.Errorf("pending warm report = %+v, %v", r, ok)
	}
}

// TestLambdaReportsMissing: a wait ends at its deadline, or at once when the stream is closed, with
// ErrNoReport and what was wrong with the last REPORT line seen.
func TestLambdaReportsMissing(t *testing.T) {
	var rs sebs.LambdaReports
	_, _ = rs.Write([]byte("REPORT RequestId: y\tDuration: soon\n"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := rs.Wait(ctx, "y")
	if !errors.Is(err, sebs.ErrNoReport) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Duration is \"soon\"") {
		t.Errorf("wait past the deadline = %v, want ErrNoReport, the deadline and the unreadable line", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := rs.Wait(context.Background(), "z")
		done <- err
	}()
	rs.Close(errors.New("container exited"))
	if err := <-done; !errors.Is(err, sebs.ErrNoReport) || !strings.Contains(err.Error(), "container exited") {
		t.Errorf("wait on a closed stream = %v, want ErrNoReport saying why it ended", err)
	}
}

// TestLambdaReportsBounded: reports nobody takes do not pile up without bound.
func TestLambdaReportsBounded(t *testing.T) {
	var rs sebs.LambdaReports
	var b strings.Builder
	for i := range sebs.MaxPendingLambdaReports + 10 {
		b.WriteString(strings.Replace(warmReport, "3f1c-warm", "id-"+strconv.Itoa(i), 1) + "\n")
	}
	_, _ = rs.Write([]byte(b.String()))
	if _, ok := rs.Take("id-0"); ok {
		t.Error("the oldest report was kept past the bound")
	}
	if _, ok := rs.Take("id-" + strconv.Itoa(sebs.MaxPendingLambdaReports+9)); !ok {
		t.Error("the newest report was dropped")
	}
}
