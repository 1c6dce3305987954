package bench

import (
	"encoding/json"

	"github.com/gosebs/sebs"
)

// handlerMeasurement returns the numbers of the handler output's "measurement" object, which upstream's
// benchmarks return beside their result (the storage benchmarks' download and upload times in µs and sizes
// in bytes, the graph benchmarks' generation and compute times), or nil when there is none. Fields that
// are not numbers are left out. Samples keep it (issue 14), so the storage figures of every call survive
// in samples.jsonl.
//
// It reads the decoded output in place, with no re-encoding: it runs for every call.
func handlerMeasurement(res *sebs.ExecutionResult) map[string]float64 {
	if res == nil {
		return nil
	}
	wrapped, _ := res.Output["result"].(map[string]any)
	out, _ := wrapped["output"].(map[string]any)
	fields, _ := out["measurement"].(map[string]any)
	if len(fields) == 0 {
		return nil
	}
	m := make(map[string]float64, len(fields))
	for k, v := range fields {
		switch v := v.(type) {
		case json.Number: // as the triggers decode numbers
			if f, err := v.Float64(); err == nil {
				m[k] = f
			}
		case float64:
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// keepMeasurement replaces a dropped handler output with its "measurement" object alone, when it has one:
// experiments.json then keeps upstream's per-call figures (as upstream's own results do) without the
// output itself, which can be large. It reports whether it kept one.
func keepMeasurement(wrapped map[string]any) bool {
	out, ok := wrapped["output"].(map[string]any)
	if !ok || out["measurement"] == nil {
		return false
	}
	wrapped["output"] = map[string]any{"measurement": out["measurement"]}
	return true
}
