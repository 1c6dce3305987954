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

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/files"
)

// mergeExperiments writes experiments.json: the file already in the folder, if any, with this run's
// experiment merged into it as sebs.ExperimentResult.Merge merges (keys is the kept results' functions and
// request IDs, in the order kept). This run's results are never decoded: they are read back from r.kept and
// each is written as sebs.MarshalUpstream would write it, one after another, into the file. The document is
// the one MarshalUpstream gives for the merged ExperimentResult, byte for byte, without the memory of that
// ExperimentResult (about 11 KB a call, decoded) or its time (issue 16: Close took 59 µs a call).
func (r *Recorder) mergeExperiments(keys []keptKey) error {
	path := filepath.Join(r.dir, experimentsFile)
	doc, err := readExperimentsDoc(path)
	if err != nil {
		return fmt.Errorf("merge with %w (move the file away to start afresh)", err)
	}
	if doc == nil {
		doc = &experimentsDoc{invocations: make(map[string]map[string]invocation)}
	}
	cfg := r.config()
	if doc.exp.Config != nil {
		cfg = mergeConfig(doc.exp.Config, cfg)
	}
	r.exp.Config = cfg
	r.exp.Statistics = r.perf.Statistics()
	run := &experimentsDoc{exp: r.exp, invocations: make(map[string]map[string]invocation)}
	for i, k := range keys { // as AddInvocation files them
		fn := r.kept.names[k.fn]
		byID := run.invocations[fn]
		if byID == nil {
			byID = make(map[string]invocation)
			run.invocations[fn] = byID
		}
		byID[failedKey(byID, k.id)] = invocation{kept: i, failed: k.id == ""}
	}
	doc.merge(run)
	doc.exp.Config = cfg // the settings of every run the file holds, not only the first one's
	return doc.write(path, &r.kept)
}

// experimentsDoc is an experiments.json being merged: everything but the invocations as an
// ExperimentResult (whose Invocations stays nil), and the invocations (function → request ID → result) as
// their JSON or as results a Recorder kept.
type experimentsDoc struct {
	exp         sebs.ExperimentResult
	invocations map[string]map[string]invocation
}

// invocation is one entry of experiments.json's invocations: the JSON of one read from a file (as
// ExecutionResult.AppendJSON writes it), or when raw is nil a Recorder's kept result number kept.
type invocation struct {
	raw    []byte
	kept   int
	failed bool // a result without a request ID, filed as failed-<n>: renumbered when a merge finds its key taken
}

// readExperimentsDoc reads the experiments.json at path; nil, and no error, when there is none; an error
// that starts with path when it is not an experiments.json. Each
// invocation is read as a result and written again, one at a time: what the file holds is then written in
// this package's shape, as when the whole file was decoded, and one that is not a result is refused
// before anything is written.
func readExperimentsDoc(path string) (*experimentsDoc, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	bad := func(err error) error { return fmt.Errorf("%s: %w", path, err) }
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, bad(err)
	}
	var raw map[string]map[string]json.RawMessage
	if inv := top["_invocations"]; len(inv) > 0 {
		if err := json.Unmarshal(inv, &raw); err != nil {
			return nil, bad(fmt.Errorf("_invocations: %w", err))
		}
	}
	delete(top, "_invocations")
	doc := &experimentsDoc{invocations: make(map[string]map[string]invocation, len(raw))}
	rest, err := json.Marshal(top)
	if err == nil {
		err = json.Unmarshal(rest, &doc.exp)
	}
	if err != nil {
		return nil, bad(err)
	}
	for fn, byID := range raw {
		doc.invocations[fn] = make(map[string]invocation, len(byID))
		for id, data := range byID {
			var res *sebs.ExecutionResult
			if err := json.Unmarshal(data, &res); err != nil {
				return nil, bad(fmt.Errorf("invocation %q of %s: %w", id, fn, err))
			}
			if res != nil {
				if data, err = res.AppendJSON(data[:0]); err != nil {
					return nil, bad(fmt.Errorf("invocation %q of %s: %w", id, fn, err))
				}
			}
			doc.invocations[fn][id] = invocation{raw: data, failed: res != nil && res.RequestID == ""}
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
			if _, taken := into[id]; taken && inv.failed {
				id = failedKey(into, "")
			}
			into[id] = inv
		}
	}
	d.exp.Merge(&other.exp)
}

// failedKey returns id, or for an empty one the key AddInvocation files a failed invocation under:
// "failed-<n>", n the number of entries of byID, raised past any key taken.
func failedKey[V any](byID map[string]V, id string) string {
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

// write writes d to path (atomically) as sebs.MarshalUpstream writes the ExperimentResult it stands for:
// the invocations, read from kept where they are a Recorder's (kept is nil when none are), are spliced into
// MarshalUpstream's output of the rest.
func (d *experimentsDoc) write(path string, kept *keptResults) error {
	rest, err := sebs.MarshalUpstream(d.exp) // d.exp holds no invocations
	if err != nil {
		return err
	}
	const head = "{\n  \"_invocations\": {}"
	if !bytes.HasPrefix(rest, []byte(head)) {
		return fmt.Errorf("write %s: the experiment's JSON does not start with its invocations (%.40q)", path, rest)
	}
	return files.WriteAtomicFunc(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, head[:len(head)-2]); err != nil {
			return err
		}
		if err := writeInvocations(w, d.invocations, kept); err != nil {
			return err
		}
		_, err := w.Write(rest[len(head):])
		return err
	})
}

// writeInvocations writes experiments.json's "_invocations" object, at its place in the document, as
// MarshalUpstream writes it: functions and request IDs sorted, each result at its indentation.
func writeInvocations(w io.Writer, invocations map[string]map[string]invocation, kept *keptResults) error {
	if len(invocations) == 0 {
		_, err := io.WriteString(w, "{}")
		return err
	}
	var refs []keptRef
	if kept != nil {
		refs = kept.refs.slice()
	}
	out := []byte{'{'}
	var buf []byte
	for i, fn := range slices.Sorted(maps.Keys(invocations)) {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendUpstreamKey(append(out, "\n    "...), fn)
		byID := invocations[fn]
		if len(byID) == 0 {
			out = append(out, "{}"...)
			continue
		}
		out = append(out, '{')
		for j, id := range slices.Sorted(maps.Keys(byID)) {
			if j > 0 {
				out = append(out, ',')
			}
			out = appendUpstreamKey(append(out, "\n      "...), id)
			data := []byte(byID[id].raw)
			if data == nil {
				var err error
				if data, err = kept.result(refs[byID[id].kept], &buf); err != nil {
					return err
				}
			}
			var err error
			if out, err = sebs.AppendUpstreamJSON(out, data, "      "); err != nil {
				return fmt.Errorf("invocation %q of %s: %w", id, fn, err)
			}
			if len(out) >= 256<<10 {
				if _, err := w.Write(out); err != nil {
					return err
				}
				out = out[:0]
			}
		}
		out = append(out, "\n    }"...)
	}
	out = append(out, "\n  }"...)
	_, err := w.Write(out)
	return err
}

// appendUpstreamKey appends key as an object key of MarshalUpstream's output, colon and space included.
func appendUpstreamKey(b []byte, key string) []byte {
	quoted, _ := json.Marshal(key)                // a string always encodes
	b, _ = sebs.AppendUpstreamJSON(b, quoted, "") // and so rewrites
	return append(b, ':', ' ')
}
