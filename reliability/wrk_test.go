package reliability

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// wrkResult is what one wrk run reported.
type wrkResult struct {
	Requests     int64   // "N requests in …"
	PerSecond    float64 // "Requests/sec:"
	Non2xx       int64   // "Non-2xx or 3xx responses:"
	SocketErrors string  // the "Socket errors:" line, "" when none
}

// parseWrk reads wrk's summary.
func parseWrk(out []byte) (wrkResult, error) {
	var r wrkResult
	found := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "Requests/sec:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				return r, fmt.Errorf("wrk's Requests/sec line %q: %w", line, err)
			}
			r.PerSecond, found = v, true
		case strings.Contains(line, " requests in "):
			n, err := strconv.ParseInt(strings.Fields(line)[0], 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk's request count line %q: %w", line, err)
			}
			r.Requests = n
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk's non-2xx line %q: %w", line, err)
			}
			r.Non2xx = n
		case strings.HasPrefix(line, "Socket errors:"):
			r.SocketErrors = line
		}
	}
	if !found {
		return r, errors.New("wrk printed no Requests/sec line")
	}
	return r, nil
}

// runWrk runs one wrk per URL at once, each with conns connections on one thread for d, and sums what
// they report. fresh adds "Connection: close", so every request opens a new connection.
func runWrk(ctx context.Context, wrk, script string, urls []string, conns int, d time.Duration, fresh bool) (wrkResult, error) {
	var (
		mu    sync.Mutex
		total wrkResult
		errs  []error
		wg    sync.WaitGroup
	)
	for _, u := range urls {
		wg.Go(func() {
			args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d/time.Second)) + "s", "-s", script}
			if fresh {
				args = append(args, "-H", "Connection: close")
			}
			out, err := exec.CommandContext(ctx, wrk, append(args, u)...).CombinedOutput()
			var r wrkResult
			if err == nil {
				r, err = parseWrk(out)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("wrk %s: %w\n%s", u, err, out))
				return
			}
			total.Requests += r.Requests
			total.PerSecond += r.PerSecond
			total.Non2xx += r.Non2xx
			if r.SocketErrors != "" {
				total.SocketErrors += u + ": " + r.SocketErrors + "; "
			}
		})
	}
	wg.Wait()
	return total, errors.Join(errs...)
}
