package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// TestKeptResultsRoundTrip keeps results in blocks (more than one block's worth) and checks that each
// comes back as it was kept: its JSON byte for byte, its request ID, and its result.csv row, in order.
func TestKeptResultsRoundTrip(t *testing.T) {
	var kept keptResults
	var wantRows sebs.PerfCost
	var wantData [][]byte
	var wantKeys []string                   // function/request ID
	big := strings.Repeat("x", keptBlock/3) // three of these fill the block: it is written out and reused
	for i := range 12 {
		var res sebs.ExecutionResult
		body := `{"billing":{},"output":{"request_id":"r-` + strconv.Itoa(i%10) + `","n":9007199254740993,"f":1.50,"s":"` + big + `"},` +
			`"request_id":"r-` + strconv.Itoa(i%10) + `","stats":{"cold_start":` + strconv.FormatBool(i == 0) + `,"memory_used":` +
			strconv.Itoa(i) + `.5},"times":{"benchmark":` + strconv.Itoa(i) + `,"client":-` + strconv.Itoa(i*7) + `,"http_startup":0.000` + strconv.Itoa(i) + `}}`
		if i == 11 {
			body = `{"output":{},"request_id":""}` // a result without an ID, memory or connection time
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		data, err := res.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		fn := "fn-" + strconv.Itoa(i%3)
		mode := []string{"warm", "cold"}[i%2]
		kept.add(fn, mode, 128*(i%3+1), &res, data)
		wantRows.Add(128*(i%3+1), mode, &res, nil)
		wantData = append(wantData, data)
		wantKeys = append(wantKeys, fn+"/"+res.RequestID)
	}
	if kept.file == nil || kept.queued < 2*keptBlock/3*3 {
		t.Fatalf("%d bytes handed to the file for 12 results of a third of a block each; the test means to read some back from it", kept.queued)
	}
	if kept.linked {
		t.Logf("the temporary file %s could not be removed while open; it is removed on release", kept.file.Name())
	}
	file := kept.file
	var gotRows sebs.PerfCost
	keys, spillErr, err := kept.scan(&gotRows)
	if spillErr != nil || err != nil {
		t.Fatal(spillErr, err)
	}
	if kept.written != kept.queued {
		t.Fatalf("%d bytes written of the %d handed to the file", kept.written, kept.queued)
	}
	if diff := cmp.Diff(wantRows, gotRows); diff != "" {
		t.Fatalf("result.csv rows from the kept results (-want +got):\n%s", diff)
	}
	var gotKeys []string
	for _, k := range keys {
		gotKeys = append(gotKeys, kept.names[k.fn]+"/"+k.id)
	}
	if diff := cmp.Diff(wantKeys, gotKeys); diff != "" {
		t.Fatalf("keys of the kept results (-want +got):\n%s", diff)
	}
	var buf []byte
	for i, ref := range kept.refs.all() {
		data, err := kept.result(ref, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(wantData[i]) {
			t.Fatalf("kept result %d came back as\n%.300s\nwant\n%.300s", i, data, wantData[i])
		}
	}
	kept.release()
	if kept.refs.len() != 0 || kept.block != nil || kept.file != nil {
		t.Fatal("release left the kept results in place")
	}
	if _, err := file.Stat(); err == nil {
		t.Fatal("release left the temporary file open")
	}
}

// TestKeptResultsSurviveAFailingFile: when the temporary file cannot be written (a full disk), the results
// stay in memory, every one of them reaches experiments.json, and the failure is reported.
func TestKeptResultsSurviveAFailingFile(t *testing.T) {
	kept := keptResults{file: readOnlyFile(t)} // every write fails
	defer kept.release()
	big := strings.Repeat("y", keptBlock/2)
	for i := range 5 {
		res := sebs.ExecutionResult{RequestID: "r-" + strconv.Itoa(i), Output: map[string]any{"s": big}}
		data, err := res.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		kept.add("fn", "warm", 128, &res, data)
	}
	var rows sebs.PerfCost
	keys, spillErr, err := kept.scan(&rows)
	if err != nil || spillErr == nil {
		t.Fatalf("scan: spill error %v, error %v; want the file's failure reported and no other error", spillErr, err)
	}
	if kept.written != 0 || kept.queued == 0 {
		t.Fatalf("writes to a read-only file: %d bytes written of %d handed over; the test means the file to fail", kept.written, kept.queued)
	}
	if len(keys) != 5 || len(rows.Rows) != 5 || keys[4].id != "r-4" {
		t.Fatalf("%d keys (%v) and %d rows after the file failed; want all 5", len(keys), keys, len(rows.Rows))
	}
	var buf []byte
	data, err := kept.result(kept.refs.slice()[4], &buf)
	if err != nil {
		t.Fatal(err)
	}
	var last sebs.ExecutionResult
	if err := json.Unmarshal(data, &last); err != nil || last.Output["s"] != big {
		t.Fatalf("the last result came back %.40q… (%v); want it whole", data, err)
	}
}

// limitedFile writes to a file until it holds limit bytes, then fails part way, as a disk that fills up.
type limitedFile struct {
	f     *os.File
	limit int64
	n     int64
}

func (w *limitedFile) Write(p []byte) (int, error) {
	k := min(int64(len(p)), max(w.limit-w.n, 0))
	m, err := w.f.Write(p[:k])
	w.n += int64(m)
	if err == nil && m < len(p) {
		err = errDiskFull
	}
	return m, err
}

// TestKeptResultsSurviveADiskFillingUp: when the temporary file fails part way through a block, the results
// in that block (the part that reached the file included) and every later one come back from memory, each
// byte for byte, with those written before read from the file, and the failure is reported.
func TestKeptResultsSurviveADiskFillingUp(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "kept")
	if err != nil {
		t.Fatal(err)
	}
	kept := keptResults{file: f}
	kept.disk = newDiskWriter(&limitedFile{f: f, limit: keptBlock + 1234}, f.Name(), keptBlock)
	defer kept.release()
	big := strings.Repeat("z", keptBlock/3) // two of these make a block: the second block fails part way
	var want [][]byte
	for i := range 7 {
		res := sebs.ExecutionResult{RequestID: "r-" + strconv.Itoa(i), Output: map[string]any{"s": big, "i": i}}
		data, err := res.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		kept.add("fn", "warm", 128, &res, data)
		want = append(want, data)
	}
	var rows sebs.PerfCost
	keys, spillErr, err := kept.scan(&rows)
	if err != nil || !errors.Is(spillErr, errDiskFull) {
		t.Fatalf("scan: spill error %v, error %v; want the disk's failure reported and no other error", spillErr, err)
	}
	if kept.written == 0 || kept.written >= kept.queued {
		t.Fatalf("%d bytes written of %d handed over; the test means the first block written and a later one cut", kept.written, kept.queued)
	}
	if len(keys) != 7 || len(rows.Rows) != 7 {
		t.Fatalf("%d keys and %d rows after the disk filled up; want all 7", len(keys), len(rows.Rows))
	}
	var buf []byte
	for i, ref := range kept.refs.all() {
		data, err := kept.result(ref, &buf)
		if err != nil || !bytes.Equal(data, want[i]) {
			t.Fatalf("result %d came back as %.60q… (%v); want it whole", i, data, err)
		}
	}
}
