package sebs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// ExperimentResult is what upstream SeBS writes to experiments.json: every invocation of an experiment
// by function name and request ID, per-function metrics, when the experiment began and ended, and its
// configuration.
//
// Its JSON is upstream's ExperimentResult (keys _invocations, _metrics, begin_time, end_time, config,
// result_bucket, and statistics when set, as upstream's perf-cost files have it), which upstream's tools
// read back. BeginTime and EndTime are epoch seconds, as upstream
// writes them. Config is free-form; it must never hold secrets (upstream writes its storage credentials
// there; this package's writers do not).
//
// An ExperimentResult is not safe for concurrent modification.
type ExperimentResult struct {
	// Invocations maps function name → request ID → result.
	Invocations map[string]map[string]*ExecutionResult
	// Metrics maps function name → metrics downloaded from the platform; the local platform has none.
	Metrics map[string]map[string]any
	// BeginTime and EndTime are the experiment's wall-clock bounds in epoch seconds; 0 when unset.
	BeginTime, EndTime float64
	// Config describes the experiment, upstream's {"experiments": {...}, "deployment": {...}}. Upstream's
	// loader needs particular keys in it: build it with [UpstreamExperimentsConfig].
	Config map[string]any
	// ResultBucket is upstream's result bucket, nil (null) locally.
	ResultBucket *string
	// Statistics is the perf-cost "statistics" upstream writes beside an experiment's results (the
	// failure count among them); nil leaves the key out. Upstream's loader ignores it.
	Statistics *PerfCostStatistics
}

// AddInvocation stores r under function and r's request ID. A result without a request ID (a failed
// invocation) is stored as "failed-<n>", n the number of invocations of function stored before it, as
// upstream does; n is raised past any key already taken. A nil r is ignored.
func (e *ExperimentResult) AddInvocation(function string, r *ExecutionResult) {
	if r == nil {
		return
	}
	if e.Invocations == nil {
		e.Invocations = make(map[string]map[string]*ExecutionResult)
	}
	byID := e.Invocations[function]
	if byID == nil {
		byID = make(map[string]*ExecutionResult)
		e.Invocations[function] = byID
	}
	id := r.RequestID
	if id == "" {
		for n := len(byID); ; n++ {
			id = "failed-" + strconv.Itoa(n)
			if _, taken := byID[id]; !taken {
				break
			}
		}
	}
	byID[id] = r
}

// Observe widens BeginTime and EndTime to include t.
func (e *ExperimentResult) Observe(t time.Time) {
	s := float64(t.UnixNano()) / 1e9
	if e.BeginTime == 0 || s < e.BeginTime {
		e.BeginTime = s
	}
	if s > e.EndTime {
		e.EndTime = s
	}
}

// Merge adds other's invocations and metrics to e, widens e's time bounds to cover other's, takes
// other's config and result bucket where e has none, and adds other's statistics to e's. On equal keys other's entries win, except failed
// invocations whose "failed-<n>" key is taken: they are renumbered as AddInvocation numbers them, so no
// failure is lost.
func (e *ExperimentResult) Merge(other *ExperimentResult) {
	if other == nil {
		return
	}
	for fn, byID := range other.Invocations {
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			r := byID[id]
			if _, taken := e.Invocations[fn][id]; taken && r != nil && r.RequestID == "" {
				e.AddInvocation(fn, r) // a new failed-<n>: the failures of both stay
				continue
			}
			if e.Invocations == nil {
				e.Invocations = make(map[string]map[string]*ExecutionResult)
			}
			if e.Invocations[fn] == nil {
				e.Invocations[fn] = make(map[string]*ExecutionResult)
			}
			e.Invocations[fn][id] = r
		}
	}
	for fn, m := range other.Metrics {
		if e.Metrics == nil {
			e.Metrics = make(map[string]map[string]any)
		}
		if e.Metrics[fn] == nil {
			e.Metrics[fn] = make(map[string]any)
		}
		maps.Copy(e.Metrics[fn], m)
	}
	if other.BeginTime != 0 && (e.BeginTime == 0 || other.BeginTime < e.BeginTime) {
		e.BeginTime = other.BeginTime
	}
	e.EndTime = max(e.EndTime, other.EndTime)
	if e.Config == nil {
		e.Config = other.Config
	}
	if e.ResultBucket == nil {
		e.ResultBucket = other.ResultBucket
	}
	if other.Statistics != nil {
		if e.Statistics == nil {
			e.Statistics = &PerfCostStatistics{Failures: []string{}, Incorrect: []*ExecutionResult{}}
		}
		e.Statistics.merge(other.Statistics)
	}
}

// Functions lists the names of the functions with invocations, sorted.
func (e *ExperimentResult) Functions() []string {
	return slices.Sorted(maps.Keys(e.Invocations))
}

// experimentJSON is upstream's key layout.
type experimentJSON struct {
	Invocations  map[string]map[string]*ExecutionResult `json:"_invocations"`
	Metrics      map[string]map[string]any              `json:"_metrics"`
	BeginTime    float64                                `json:"begin_time"`
	EndTime      float64                                `json:"end_time"`
	Config       map[string]any                         `json:"config"`
	ResultBucket *string                                `json:"result_bucket"`
	Statistics   *PerfCostStatistics                    `json:"statistics,omitempty"`
}

// MarshalJSON writes upstream's shape; nil maps are written as {}.
func (e ExperimentResult) MarshalJSON() ([]byte, error) {
	j := experimentJSON{
		Invocations:  e.Invocations,
		Metrics:      e.Metrics,
		BeginTime:    e.BeginTime,
		EndTime:      e.EndTime,
		Config:       e.Config,
		ResultBucket: e.ResultBucket,
		Statistics:   e.Statistics,
	}
	if j.Invocations == nil {
		j.Invocations = map[string]map[string]*ExecutionResult{}
	}
	if j.Metrics == nil {
		j.Metrics = map[string]map[string]any{}
	}
	if j.Config == nil {
		j.Config = map[string]any{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads upstream's shape. It also accepts the key "metrics", which upstream's own reader
// expects, when "_metrics" is absent.
func (e *ExperimentResult) UnmarshalJSON(data []byte) error {
	var j struct {
		experimentJSON
		LegacyMetrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("sebs: read experiment result: %w", err)
	}
	*e = ExperimentResult{
		Invocations:  j.Invocations,
		Metrics:      j.Metrics,
		BeginTime:    j.BeginTime,
		EndTime:      j.EndTime,
		Config:       j.Config,
		ResultBucket: j.ResultBucket,
		Statistics:   j.Statistics,
	}
	if e.Metrics == nil {
		e.Metrics = j.LegacyMetrics
	}
	return nil
}

// UpstreamExperimentsConfig returns the "config" of an experiments.json in the shape upstream's loader
// (sebs/experiments/result.py Result.deserialize, which calls sebs/experiments/config.py
// Config.deserialize and, given a cache, the local deployment's config loader) accepts, for a run of
// functions on runtime rt and architecture arch (x64 when empty). experiments holds the settings of each
// experiment by name, e.g. {"perf-cost": {...}}; it is written under "experiments" as upstream's
// serialize does.
//
// What the loader needs, and this writes: in "experiments", the booleans update_code, update_storage and
// download_results, the architecture, a runtime whose language upstream knows (python, nodejs, java, cpp)
// with a variant it knows for that language, system_variant "package" (upstream's newer loaders check it)
// and container_deployment false (its older ones, until 2025, require it); in "deployment", the name
// "local" (resources are optional). A runtime upstream does not know (Go) is written as
// [Runtime.Upstream] names it, and the true one beside it under "gosebs_runtime", a key upstream ignores.
// A file with several runtimes names one of them; the experiment settings can list them all.
func UpstreamExperimentsConfig(rt Runtime, arch Architecture, experiments map[string]any) map[string]any {
	if arch == "" {
		arch = ArchX64
	}
	if experiments == nil {
		experiments = map[string]any{}
	}
	up := rt.Upstream()
	if rt.Variant == "" {
		rt.Variant = DefaultVariant
	}
	exp := map[string]any{
		"update_code":          false,
		"update_storage":       false,
		"download_results":     false,
		"container_deployment": false,
		"system_variant":       "package",
		"architecture":         string(arch),
		"flags":                map[string]any{},
		"runtime":              up,
		"experiments":          experiments,
	}
	if up != rt {
		exp["gosebs_runtime"] = rt
	}
	return map[string]any{
		"experiments": exp,
		"deployment": map[string]any{
			"name":      "local",
			"region":    "",
			"resources": map[string]any{"allocated_ports": []int{}},
		},
	}
}
