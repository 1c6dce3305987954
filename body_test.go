package sebs_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gosebs/sebs"
)

// The body-memory tests run their calls in a child process (this test
// binary again) and read its peak RSS (VmHWM), which no sampling can miss.
const memChildEnv = "SEBS_BODY_MEMORY_CHILD"

const mib = 1 << 20

// TestHostileBodyMemoryIsBounded: several concurrent calls to a function
// streaming an endless chunked body must cost about the limit each, not the
// 2-4× of a doubling buffer (issue 10.1).
func TestHostileBodyMemoryIsBounded(t *testing.T) {
	const calls, limit = 4, 64 * mib
	if os.Getenv(memChildEnv) == "hostile" {
		hostileChild(t, calls, limit)
		return
	}
	grew := childPeakGrowth(t, "hostile")
	bound := int64(calls*limit + 64*mib)
	t.Logf("peak RSS growth with %d concurrent endless bodies, limit %d MiB: %d MiB (bound %d MiB)",
		calls, limit/mib, grew/mib, bound/mib)
	if grew > bound {
		t.Fatalf("peak RSS grew by %d MiB, want at most %d MiB (%d calls × %d MiB limit + 64 MiB)",
			grew/mib, bound/mib, calls, limit/mib)
	}
}

// TestLargeBodyMemoryIsBounded: a legitimate 200 MB body under a 256 MiB
// limit is read into one buffer of its size; the decoded output string is
// the only other copy.
func TestLargeBodyMemoryIsBounded(t *testing.T) {
	const size = 200 * 1000 * 1000
	if os.Getenv(memChildEnv) == "large" {
		largeChild(t, size)
		return
	}
	grew := childPeakGrowth(t, "large")
	bound := int64(2*size + 64*mib) // the body, the decoded string, a constant
	t.Logf("peak RSS growth for one %d MB body: %d MiB (bound %d MiB)", size/1000/1000, grew/mib, bound/mib)
	if grew > bound {
		t.Fatalf("peak RSS grew by %d MiB for a %d MB body, want at most %d MiB", grew/mib, size/1000/1000, bound/mib)
	}
}

// childPeakGrowth runs the calling test in a child process in the given mode
// and returns how much its peak RSS grew over its RSS before the calls.
func childPeakGrowth(t *testing.T, mode string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Env = append(os.Environ(), memChildEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process failed: %v\n%s", err, out)
	}
	var before, peak int64 = -1, -1
	for _, line := range strings.Split(string(out), "\n") {
		if _, v, ok := strings.Cut(line, "rss-before="); ok {
			before, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
		if _, v, ok := strings.Cut(line, "rss-peak="); ok {
			peak, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	if before < 0 || peak < 0 {
		t.Fatalf("child process did not report its memory:\n%s", out)
	}
	return peak - before
}

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("memory test needs /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("parse %s %q: %v", field, v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

func reportChildMemory(t *testing.T, before int64) {
	fmt.Printf("rss-before=%d\nrss-peak=%d\n", before, procStatus(t, "VmHWM"))
}

// streamer writes block again and again until the client goes away, or
// until n bytes when n > 0, flushing so the body is chunked.
func streamer(head, tail string, n int64, contentLength bool) http.HandlerFunc {
	block := bytes.Repeat([]byte("a"), 32<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if contentLength {
			w.Header().Set("Content-Length", strconv.FormatInt(int64(len(head))+n+int64(len(tail)), 10))
		}
		if _, err := io.WriteString(w, head); err != nil {
			return
		}
		for sent := int64(0); n <= 0 || sent < n; {
			b := block
			if n > 0 {
				b = b[:min(int64(len(b)), n-sent)]
			}
			if _, err := w.Write(b); err != nil {
				return
			}
			sent += int64(len(b))
			if !contentLength {
				w.(http.Flusher).Flush()
			}
		}
		_, _ = io.WriteString(w, tail)
	}
}

func hostileChild(t *testing.T, calls int, limit int64) {
	tr, _ := newTrigger(t, streamer(`{"pad":"`, "", 0, false))
	tr.MaxBodyBytes = limit
	debug.FreeOSMemory()
	before := procStatus(t, "VmRSS")
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i := range calls {
		wg.Go(func() { _, errs[i] = tr.Invoke(context.Background(), nil) })
	}
	wg.Wait()
	reportChildMemory(t, before)
	for _, err := range errs {
		if !errors.Is(err, sebs.ErrBodyTooLarge) {
			t.Fatalf("endless body gave %v, want ErrBodyTooLarge", err)
		}
	}
}

func largeChild(t *testing.T, size int64) {
	tr, _ := newTrigger(t, streamer(`{"request_id":"r","is_cold":false,"result":{"output":"`, `"}}`, size, true))
	debug.FreeOSMemory()
	before := procStatus(t, "VmRSS")
	res, err := tr.Invoke(context.Background(), nil)
	reportChildMemory(t, before)
	if err != nil {
		t.Fatalf("200 MB body under the default limit: %v", err)
	}
	out, _ := res.Output["result"].(map[string]any)["output"].(string)
	if int64(len(out)) != size {
		t.Fatalf("output has %d bytes, want %d", len(out), size)
	}
}
