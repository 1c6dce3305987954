package sebstest

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest/golden"
)

// recordingTB records where each log line and failure would be reported, as package testing decides it:
// the first frame, from the caller of Log/Error/Fatal up, of a function that did not call Helper.
type recordingTB struct {
	testing.TB
	mu      sync.Mutex
	helpers map[string]bool
	lines   []string // "file:line: message"
}

func newRecordingTB(t *testing.T) *recordingTB {
	return &recordingTB{TB: t, helpers: map[string]bool{}}
}

func (r *recordingTB) Helper() {
	pc, _, _, _ := runtime.Caller(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.helpers[runtime.FuncForPC(pc).Name()] = true
}

// add records msg at the reported location; it must be called by the logging method itself.
func (r *recordingTB) add(msg string) {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs) // Callers, add, the logging method
	frames := runtime.CallersFrames(pcs[:n])
	r.mu.Lock()
	defer r.mu.Unlock()
	where := "?"
	for {
		f, more := frames.Next()
		if !r.helpers[f.Function] {
			where = filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
			break
		}
		if !more {
			break
		}
	}
	r.lines = append(r.lines, where+": "+msg)
}

func (r *recordingTB) Log(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recordingTB) Logf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recordingTB) Error(args ...any)               { r.add(fmt.Sprint(args...)) }
func (r *recordingTB) Errorf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
}
func (r *recordingTB) Fatal(args ...any) { r.add(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// inGoroutine runs f where a Fatal (runtime.Goexit) ends only f.
func inGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// here returns "quiet_test.go:<line of the caller + delta>".
func here(delta int) string {
	_, file, line, _ := runtime.Caller(1)
	return filepath.Base(file) + ":" + strconv.Itoa(line+delta)
}

// TestHelpersReportTheCallersLine (issue 11): failures and log lines of New and golden name the test's
// line that called them, not a line inside sebstest, golden or fmt (it was print.go:225).
func TestHelpersReportTheCallersLine(t *testing.T) {
	rec := newRecordingTB(t)
	var want string
	inGoroutine(func() {
		want = here(1)
		New(rec, GoFunction(t.TempDir()), WithName(""))
	})
	require.Len(t, rec.lines, 1)
	assert.True(t, strings.HasPrefix(rec.lines[0], want+": "), "New's failure reported at %q, want %s", rec.lines[0], want)

	rec = newRecordingTB(t)
	want = here(1)
	golden.Result(rec, "absent", map[string]any{"a": 1}, golden.Dir(t.TempDir()), golden.Update(false))
	require.Len(t, rec.lines, 1)
	assert.True(t, strings.HasPrefix(rec.lines[0], want+": "), "golden's failure reported at %q, want %s", rec.lines[0], want)
}

// TestNewLogsAtTheCallersLine: the progress lines of a started function (build, start) are logged at the
// test's line that called New, and testcontainers' per-container lines are not logged without -v.
func TestNewLogsAtTheCallersLine(t *testing.T) {
	RequireDocker(t)
	rec := newRecordingTB(t)
	want := here(1)
	fn := New(rec, Fixture("sleep", sebs.LanguageGo))
	require.NotNil(t, fn)
	require.NotEmpty(t, rec.lines)
	var started bool
	for _, l := range rec.lines {
		assert.True(t, strings.HasPrefix(l, want+": "), "line %q, want it at %s", l, want)
		started = started || strings.Contains(l, "sebstest: started")
		if !testing.Verbose() {
			assert.NotContains(t, l, "testcontainers", "testcontainers' lines only under -v")
		}
	}
	assert.True(t, started, "the start is logged: %q", rec.lines)
}
