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
// request IDs, in the order kept). The invocations are never decoded: the file's are kept as their JSON,
// this run's are read back from r.kept, and each is written as sebs.MarshalUpstream would write it, one
// after another, into the file. The document is the one MarshalUpstream gives for the merged
// ExperimentResult, byte for byte, without the memory of that ExperimentResult (about 11 KB a call, decoded)
// or its time (issue 16: Close took 59 µs a call).
func (r *Recorder) mergeExperiments(keys []keptKey) error {
	path := filepath.Join(r.dir, experimentsFile)
	merged, invocations, err := readExperimentsFile(path)
	if err != nil {
		return err
	}
	cfg := r.config()
	if merged.Config != nil {
		cfg = mergeConfig(merged.Config, cfg)
	}
	r.exp.Config = cfg
	r.exp.Statistics = r.perf.Statistics()
	merged.Merge(&r.exp)
	merged.Config = cfg // the settings of every run the file holds, not only the first one's
	r.mergeKept(invocations, keys)
	rest, err := sebs.MarshalUpstream(merged) // everything but the invocations, which merged does not hold
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
		if err := r.writeInvocations(w, invocations); err != nil {
			return err
		}
		_, err := w.Write(rest[len(head):])
		return err
	})
}

// invocation is one entry of experiments.json's invocations: this run's kept result kept (when raw is nil)
// or the JSON of one read from the file.
type invocation struct {
	kept int
	raw  json.RawMessage
}

// readExperimentsFile reads the experiments.json at path, if there is one: everything but its invocations as
// an ExperimentResult, and the invocations (function → request ID → result) as their JSON, as
// ExecutionResult.AppendJSON writes them.
func readExperimentsFile(path string) (sebs.ExperimentResult, map[string]map[string]invocation, error) {
	var exp sebs.ExperimentResult
	invocations := make(map[string]map[string]invocation)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return exp, invocations, nil
	case err != nil:
		return exp, nil, fmt.Errorf("read %s: %w", path, err)
	}
	bad := func(err error) error {
		return fmt.Errorf("merge with %s: %w (move the file away to start afresh)", path, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return exp, nil, bad(err)
	}
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(cmpOr(top["_invocations"], json.RawMessage("null")), &raw); err != nil {
		return exp, nil, bad(fmt.Errorf("_invocations: %w", err))
	}
	delete(top, "_invocations")
	rest, err := json.Marshal(top)
	if err == nil {
		err = json.Unmarshal(rest, &exp)
	}
	if err != nil {
		return exp, nil, bad(err)
	}
	for fn, byID := range raw {
		invocations[fn] = make(map[string]invocation, len(byID))
		for id, data := range byID {
			// Each is read as a result and written again, one at a time: what the file holds is then written
			// in this package's shape, as when the whole file was decoded, and one that is not a result is
			// refused before anything is written.
			var res *sebs.ExecutionResult
			if err := json.Unmarshal(data, &res); err != nil {
				return exp, nil, bad(fmt.Errorf("invocation %q of %s: %w", id, fn, err))
			}
			if res != nil {
				if data, err = res.AppendJSON(data[:0]); err != nil {
					return exp, nil, bad(fmt.Errorf("invocation %q of %s: %w", id, fn, err))
				}
			}
			invocations[fn][id] = invocation{kept: -1, raw: data}
		}
	}
	return exp, invocations, nil
}

// cmpOr returns raw, or or when raw is empty.
func cmpOr(raw, or json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return or
	}
	return raw
}

// mergeKept adds the kept results to invocations as ExperimentResult.AddInvocation and Merge would: first
// this run's own (a result without a request ID is filed as "failed-<n>"), then those merged into the
// file's, where this run's win on equal keys, except a failed-<n> already taken, which is numbered anew.
func (r *Recorder) mergeKept(invocations map[string]map[string]invocation, keys []keptKey) {
	run := make(map[string]map[string]int) // function → key → index in keys
	for i, k := range keys {
		fn := r.kept.names[k.fn]
		byID := run[fn]
		if byID == nil {
			byID = make(map[string]int)
			run[fn] = byID
		}
		byID[failedKey(byID, k.id)] = i
	}
	for fn, byID := range run {
		into := invocations[fn]
		if into == nil {
			into = make(map[string]invocation, len(byID))
			invocations[fn] = into
		}
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			i := byID[id]
			if _, taken := into[id]; taken && keys[i].id == "" {
				id = failedKey(into, "")
			}
			into[id] = invocation{kept: i}
		}
	}
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

// writeInvocations writes experiments.json's "_invocations" object, at its place in the document, as
// MarshalUpstream writes it: functions and request IDs sorted, each result at its indentation.
func (r *Recorder) writeInvocations(w io.Writer, invocations map[string]map[string]invocation) error {
	if len(invocations) == 0 {
		_, err := io.WriteString(w, "{}")
		return err
	}
	refs := r.kept.refs.slice()
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
				if data, err = r.kept.result(refs[byID[id].kept], &buf); err != nil {
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
