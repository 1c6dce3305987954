package sebs_test

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York wherever the test runs

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// inZone runs f with time.Local set to the named zone (no test in this
// package runs in parallel, so the global is safe to swap).
func inZone(t *testing.T, name string, f func()) {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	saved := time.Local
	time.Local = loc
	defer func() { time.Local = saved }()
	f()
}

// TestNaiveTimeInDSTGapIsNotShifted: a naive client_begin written where
// 02:30 on 2025-03-09 existed is read in New York (where it does not) and
// written back unchanged (issue 12).
func TestNaiveTimeInDSTGapIsNotShifted(t *testing.T) {
	inZone(t, "America/New_York", func() {
		in := `{"benchmark":0,"client":2500,"client_begin":"2025-03-09 02:30:00.123456","client_end":"2025-03-09 02:30:00.125956","initialization":0}`
		var times sebs.ExecutionTimes
		require.NoError(t, json.Unmarshal([]byte(in), &times))
		out, err := json.Marshal(times)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out), "rewritten without moving an hour")
		assert.Equal(t, 2500*time.Microsecond, times.ClientEnd.Sub(times.ClientBegin))
		assert.Equal(t, 2, times.ClientBegin.Hour())

		// Times outside the gap keep the local zone, and ours are written in it.
		require.NoError(t, json.Unmarshal([]byte(`{"client_begin":"2025-03-09 03:30:00"}`), &times))
		assert.Equal(t, time.Local, times.ClientBegin.Location())
		times.ClientBegin = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
		out, err = json.Marshal(times)
		require.NoError(t, err)
		assert.Contains(t, string(out), `"client_begin":"2025-07-01 08:00:00"`, "written in local time (EDT)")
	})
}
