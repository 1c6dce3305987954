package sebstest

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	tclog "github.com/testcontainers/testcontainers-go/log"
)

// tbLog sends progress lines to a test's log. Lines written while [New] starts the function are held and
// logged by New itself when it returns, so that the log names the test's line that called New rather than
// a line inside this package or fmt; later lines are logged as they come. A benchmark's log is printed
// as a "--- BENCH" block in every run, so for a *testing.B the lines are dropped unless go test -v.
type tbLog struct {
	tb   testing.TB
	mu   sync.Mutex
	held []string
	live bool
}

func newTBLog(tb testing.TB) *tbLog { return &tbLog{tb: tb} }

func (w *tbLog) Write(p []byte) (int, error) {
	if _, isBench := w.tb.(*testing.B); isBench && !verbose() {
		return len(p), nil
	}
	line := strings.TrimRight(string(p), "\n")
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.live {
		w.held = append(w.held, line)
		return len(p), nil
	}
	w.tb.Log(line)
	return len(p), nil
}

// flush logs the held lines from the caller's frame (New, a helper) and lets later lines through.
func (w *tbLog) flush() {
	w.tb.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range w.held {
		w.tb.Log(line)
	}
	w.held, w.live = nil, true
}

// verbose reports whether this is a test binary run with -test.v (go test -v); false before the flags are
// parsed and outside tests.
func verbose() bool {
	return testing.Testing() && flag.Parsed() && testing.Verbose()
}

// progressLogger sends testcontainers-go's per-container log lines (creating, starting, stopping, with
// emoji) to the progress writer under go test -v only, so a normal run shows the tests' and benchmarks'
// own lines. Outside tests, the lines go to the progress writer (io.Discard unless WithProgress).
type progressLogger struct{ w io.Writer }

func (l progressLogger) Printf(format string, v ...any) {
	if l.w == io.Discard || (testing.Testing() && !verbose()) {
		return
	}
	fmt.Fprintf(l.w, "testcontainers: "+format+"\n", v...)
}

// verboseOnly forwards testcontainers-go's process-wide log lines (the "Connected to docker" banner, its
// reaper and image lines) under go test -v only.
type verboseOnly struct{ next tclog.Logger }

func (l verboseOnly) Printf(format string, v ...any) {
	if verbose() {
		l.next.Printf(format, v...)
	}
}

// In a test binary, testcontainers-go's own logger speaks only under -v; a program that sets its own
// logger (tclog.SetDefault) after this package's init keeps it.
func init() {
	if testing.Testing() {
		tclog.SetDefault(verboseOnly{next: tclog.Default()})
	}
}
