package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/files"
)

// mergeExperiments writes experiments.json: the file already in the folder, if any, with this run's
// experiment merged into it as sebs.ExperimentResult.Merge merges (keys is the kept results' functions and
// request IDs, in the order kept). No result is decoded: this run's are read back from r.kept, the file's
// are kept as its JSON, and each is written as sebs.MarshalUpstream would write it, one after another, into
// the file. Where the file was written by this package, the document is the one MarshalUpstream gives for
// the merged ExperimentResult, byte for byte, without the memory of that ExperimentResult (about 11 KB a
// call, decoded) or its time (issue 16: decoding, Close took 49 µs a call against 6).
func (r *Recorder) mergeExperiments(keys []keptKey) error {
	path := filepath.Join(r.dir, experimentsFile)
	doc, err := readExperimentsDoc(path)
	if err != nil {
		return fmt.Errorf("merge with the experiments.json already in the folder: %w (move it away to start afresh)", err)
	}
	if doc == nil {
		doc = &experimentsDoc{invocations: make(map[string]map[string]invocation)}
	}
	cfg := mergeConfig(doc.exp.Config, r.config())
	r.exp.Config = cfg
	r.exp.Statistics = r.perf.Statistics()
	run := &experimentsDoc{exp: r.exp, invocations: make(map[string]map[string]invocation)}
	for i, k := range keys { // as AddInvocation files them, under the names the file will hold
		fn := jsonString(r.kept.names[k.fn])
		byID := run.invocations[fn]
		if byID == nil {
			byID = make(map[string]invocation)
			run.invocations[fn] = byID
		}
		byID[failedKey(byID, jsonString(k.id))] = invocation{kept: i, keptFailed: k.id == ""}
	}
	doc.merge(run)
	doc.exp.Config = cfg // the settings of every run the file holds, not only the first one's
	return doc.write(path, &r.kept, func(left []leftOut) { r.countLeftOut(left, doc.exp.Statistics) })
}

// countLeftOut counts the kept results left out of experiments.json as failures, as upstream counts an
// invocation it could not process: in stats (experiments.json's, already merged) and in r.perf, whose
// result.csv then has no row for them either.
func (r *Recorder) countLeftOut(left []leftOut, stats *sebs.PerfCostStatistics) {
	out := make(map[int]bool)
	for _, l := range left {
		if l.kept < 0 {
			continue
		}
		out[l.kept] = true
		msg := l.err.Error()
		r.perf.Failures = append(r.perf.Failures, msg)
		if stats != nil {
			stats.Failures = append(stats.Failures, msg)
			stats.FailuresCount++
			stats.SamplesGenerated--
		}
		if r.perf.Rows[l.kept].IsCold {
			r.perf.ColdCount--
			if stats != nil {
				stats.ColdCount--
			}
		}
	}
	rows := r.perf.Rows[:0]
	for i, row := range r.perf.Rows {
		if !out[i] {
			rows = append(rows, row)
		}
	}
	r.perf.Rows = rows
}

// experimentsDoc is an experiments.json being merged: everything but the invocations as an
// ExperimentResult (whose Invocations stays nil), and the invocations (function → request ID → result) as
// their JSON or as results a Recorder kept. A function whose entry is null has a nil map.
type experimentsDoc struct {
	exp         sebs.ExperimentResult
	invocations map[string]map[string]invocation
}

// invocation is one entry of experiments.json's invocations: the JSON of one read from a file, or, when
// raw is nil, the Recorder's kept result number kept.
type invocation struct {
	raw  []byte
	kept int
	// keptFailed says that the kept result has no request ID (it is filed as failed-<n>, and numbered anew
	// when a merge finds its key taken); a result from a file says so itself (see isFailed).
	keptFailed bool
}

// isFailed reports whether inv is a result without a request ID, as ExperimentResult.Merge asks of the
// results it adds. A result from a file is decoded for it only here, when its key is taken.
func (inv invocation) isFailed() bool {
	if inv.raw == nil {
		return inv.keptFailed
	}
	var res *struct {
		RequestID string `json:"request_id"`
	}
	return json.Unmarshal(inv.raw, &res) == nil && res != nil && res.RequestID == ""
}

// experimentsFields is sebs.ExperimentResult's JSON layout with the invocations left as JSON: the file is
// decoded once, as ExperimentResult.UnmarshalJSON decodes it (keys matched without regard to case; of a key
// given twice, objects are merged member by member and anything else replaced, the later one winning),
// without decoding the results.
type experimentsFields struct {
	Invocations   map[string]map[string]json.RawMessage `json:"_invocations"`
	Metrics       map[string]map[string]any             `json:"_metrics"`
	LegacyMetrics map[string]map[string]any             `json:"metrics"`
	BeginTime     float64                               `json:"begin_time"`
	EndTime       float64                               `json:"end_time"`
	Config        map[string]any                        `json:"config"`
	ResultBucket  *string                               `json:"result_bucket"`
	Statistics    *sebs.PerfCostStatistics              `json:"statistics,omitempty"`
}

// readExperimentsDoc reads the experiments.json at path; nil, and no error, when there is none; an error
// that starts with path when it is not an experiments.json. The invocations are kept as the file holds them
// (to be laid out again as MarshalUpstream lays them out), not decoded: what the file holds stays, even
// what ExecutionResult has no field for or cannot read (a number beyond float64, say).
func readExperimentsDoc(path string) (*experimentsDoc, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err // it names the file
	}
	var f experimentsFields
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc := &experimentsDoc{
		exp: sebs.ExperimentResult{Metrics: f.Metrics, BeginTime: f.BeginTime, EndTime: f.EndTime, Config: f.Config,
			ResultBucket: f.ResultBucket, Statistics: f.Statistics},
		invocations: make(map[string]map[string]invocation, len(f.Invocations)),
	}
	if doc.exp.Metrics == nil {
		doc.exp.Metrics = f.LegacyMetrics
	}
	for fn, byID := range f.Invocations {
		if byID == nil {
			doc.invocations[fn] = nil
			continue
		}
		doc.invocations[fn] = make(map[string]invocation, len(byID))
		for id, data := range byID {
			doc.invocations[fn][id] = invocation{raw: data}
		}
	}
	return doc, nil
}

// merge adds other to d as sebs.ExperimentResult.Merge does: other's invocations win on equal keys, except
// a failed one whose key is taken, which is filed anew as AddInvocation files it.
func (d *experimentsDoc) merge(other *experimentsDoc) {
	for fn, byID := range other.invocations {
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			into := d.invocations[fn]
			if into == nil {
				into = make(map[string]invocation, len(byID))
				d.invocations[fn] = into
			}
			inv := byID[id]
			if _, taken := into[id]; taken && inv.isFailed() {
				id = failedKey(into, "")
			}
			into[id] = inv
		}
	}
	d.exp.Merge(&other.exp)
}

// check reads every invocation of d that came from a file as sebs.ExperimentResult reads it, and returns
// the first error: a file whose results this package's readers would refuse (a number beyond float64, an
// invocation that is not an object) is then refused before anything is written.
func (d *experimentsDoc) check() error {
	for _, fn := range slices.Sorted(maps.Keys(d.invocations)) {
		for _, id := range slices.Sorted(maps.Keys(d.invocations[fn])) {
			var res *sebs.ExecutionResult
			if raw := d.invocations[fn][id].raw; raw != nil {
				if err := json.Unmarshal(raw, &res); err != nil {
					return fmt.Errorf("invocation %q of %s: %w", id, fn, err)
				}
			}
		}
	}
	return nil
}

// failedKey returns id, or for an empty one the key AddInvocation files a failed invocation under:
// "failed-<n>", n the number of entries of byID, raised past any key taken.
func failedKey(byID map[string]invocation, id string) string {
	if id != "" {
		return id
	}
	for n := len(byID); ; n++ {
		key := "failed-" + strconv.Itoa(n)
		if _, taken := byID[key]; !taken {
			return key
		}
	}
}

// leftOut is an invocation writeInvocations could not write (nested deeper than a reader takes): the
// Recorder's kept result number kept, or -1 for one read from a file.
type leftOut struct {
	kept int
	err  error
}

// write writes d to path (atomically) as sebs.MarshalUpstream writes the ExperimentResult it stands for:
// the invocations, read from kept where they are a Recorder's (kept is nil when none are), come first, and
// MarshalUpstream's output of the rest follows them. When some are left out, left (which may be nil) is
// told before the rest is encoded, so that it can count them in d.exp's statistics; the error names them.
func (d *experimentsDoc) write(path string, kept *keptResults, left func([]leftOut)) error {
	const head = "{\n  \"_invocations\": {}"
	var out []leftOut
	err := files.WriteAtomicFunc(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, head[:len(head)-2]); err != nil {
			return err
		}
		var err error
		if out, err = writeInvocations(w, d.invocations, kept); err != nil {
			return err
		}
		if len(out) > 0 && left != nil {
			left(out)
		}
		rest, err := sebs.MarshalUpstream(d.exp) // d.exp holds no invocations
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(rest, []byte(head)) {
			return fmt.Errorf("the experiment's JSON does not start with its invocations (%.40q)", rest)
		}
		_, err = w.Write(rest[len(head):])
		return err
	})
	errs := []error{err}
	for _, l := range out {
		errs = append(errs, l.err)
	}
	return errors.Join(errs...)
}

// writeInvocations writes experiments.json's "_invocations" object, at its place in the document, as
// MarshalUpstream writes it: functions and request IDs sorted, each result at its indentation. A result
// that cannot be written so (nested deeper than a reader takes) is left out, and named in left; the others
// are written all the same. err is a failure to read or write.
func writeInvocations(w io.Writer, invocations map[string]map[string]invocation, kept *keptResults) (left []leftOut, err error) {
	if len(invocations) == 0 {
		_, err := io.WriteString(w, "{}")
		return nil, err
	}
	var (
		out = []byte{'{'}
		buf []byte
	)
	for i, fn := range slices.Sorted(maps.Keys(invocations)) {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendUpstreamKey(append(out, "\n    "...), fn)
		byID := invocations[fn]
		switch {
		case byID == nil:
			out = append(out, "null"...)
			continue
		case len(byID) == 0:
			out = append(out, "{}"...)
			continue
		}
		out = append(out, '{')
		first := true
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			data := byID[id].raw
			if data == nil {
				var err error
				if data, err = kept.result(kept.refs.at(byID[id].kept), &buf); err != nil {
					return nil, err
				}
			}
			mark := len(out)
			if !first {
				out = append(out, ',')
			}
			out = appendUpstreamKey(append(out, "\n      "...), id)
			var err error
			if out, err = sebs.AppendUpstreamJSON(out, data, 3); err != nil {
				out = out[:mark]
				k := -1
				if byID[id].raw == nil {
					k = byID[id].kept
				}
				left = append(left, leftOut{kept: k, err: fmt.Errorf("invocation %q of %s left out of %s: %w", id, fn, experimentsFile, err)})
				continue
			}
			first = false
			if len(out) >= 256<<10 {
				if _, err := w.Write(out); err != nil {
					return nil, err
				}
				out = out[:0]
			}
		}
		if first { // every one was left out
			out = append(out, '}')
			continue
		}
		out = append(out, "\n    }"...)
	}
	out = append(out, "\n  }"...)
	_, err = w.Write(out)
	return left, err
}

// appendUpstreamKey appends key as an object key of MarshalUpstream's output, colon and space included.
func appendUpstreamKey(b []byte, key string) []byte {
	quoted, _ := json.Marshal(key)               // a string always encodes
	b, _ = sebs.AppendUpstreamJSON(b, quoted, 0) // and so rewrites
	return append(b, ':', ' ')
}

// jsonString returns s as it comes back from JSON: each byte that is not part of valid UTF-8 replaced by
// U+FFFD, as encoding/json writes it. Names and request IDs are the file's keys in that form, so that two
// that differ only in such bytes are one key, in the file's order, as when the results were decoded.
func jsonString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	data, _ := json.Marshal(s) // a string always encodes
	var back string
	_ = json.Unmarshal(data, &back) // and reads back
	return back
}
