package sebstest

import (
	"fmt"
	"io"
	"testing"
)

// tbWriter sends progress lines to a test's log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	for len(p) > 0 && p[len(p)-1] == '\n' {
		p = p[:len(p)-1]
	}
	return p
}

// progressLogger sends testcontainers-go's log lines to the progress writer, so a benchmark's output
// stays readable by benchstat and a test's lines go to the test log.
type progressLogger struct{ w io.Writer }

func (l progressLogger) Printf(format string, v ...any) {
	if l.w != io.Discard {
		fmt.Fprintf(l.w, "testcontainers: "+format+"\n", v...)
	}
}
