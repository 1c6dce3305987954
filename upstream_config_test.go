package sebs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// upstreamLoadError mirrors the key accesses of upstream's Result.deserialize (sebs/experiments/result.py
// at a7a0532026dd, with a cache, as perf-cost's process step calls it): what it reads with [] must be
// there, what it checks must be valid. It returns nil when upstream would load doc.
func upstreamLoadError(doc map[string]any) error {
	for _, k := range []string{"_invocations", "config", "result_bucket", "begin_time", "end_time"} {
		if _, ok := doc[k]; !ok {
			return fmt.Errorf("KeyError(%q)", k)
		}
	}
	byFn, _ := doc["_invocations"].(map[string]any)
	for fn, invs := range byFn {
		for id, inv := range invs.(map[string]any) {
			for _, k := range []string{"times", "billing", "provider_times", "stats", "request_id", "output"} {
				if _, ok := inv.(map[string]any)[k]; !ok {
					return fmt.Errorf("invocation %s/%s: KeyError(%q)", fn, id, k)
				}
			}
		}
	}
	cfg, _ := doc["config"].(map[string]any)
	exp, ok := cfg["experiments"].(map[string]any)
	if !ok {
		return fmt.Errorf("KeyError('experiments')")
	}
	// Config.deserialize; container_deployment is what its 2024-2025 versions require instead of
	// system_variant.
	for _, k := range []string{"update_code", "update_storage", "download_results", "runtime", "architecture", "container_deployment"} {
		if _, ok := exp[k]; !ok {
			return fmt.Errorf("experiments: KeyError(%q)", k)
		}
	}
	if v, ok := exp["system_variant"]; ok && !slices.Contains([]any{"package", "container", "function-gen1", "function-gen2"}, v) {
		return fmt.Errorf("Invalid system variant: %v", v)
	}
	rt, _ := exp["runtime"].(map[string]any)
	variants := map[any][]any{"python": {"default", "pypy"}, "nodejs": {"default", "bun", "llrt"}, "java": {"default"}, "cpp": {"default"}}
	allowed, known := variants[rt["language"]]
	if !known {
		return fmt.Errorf("Unknown language type %v", rt["language"])
	}
	if _, ok := rt["version"]; !ok {
		return fmt.Errorf("runtime: KeyError('version')")
	}
	variant, ok := rt["language-variant"]
	if !ok {
		variant = "default"
	}
	if !slices.Contains(allowed, variant) {
		return fmt.Errorf("Unknown variant %v for language %v", variant, rt["language"])
	}
	dep, _ := cfg["deployment"].(map[string]any)
	if dep["name"] != "local" {
		return fmt.Errorf("deployment: name %v: Unknown config type", dep["name"])
	}
	return nil
}

func readJSONMap(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	return doc
}

// TestUpstreamExperimentsConfigLoads: an experiments.json of a Go function with the config
// UpstreamExperimentsConfig builds loads with upstream's loader, as upstream's own file for a Python
// function does; without runtime, or with "go", it does not (issue 12).
func TestUpstreamExperimentsConfigLoads(t *testing.T) {
	upstreamFile, err := os.ReadFile("testdata/upstream/experiments_python.json")
	require.NoError(t, err)
	upstreamDoc := readJSONMap(t, upstreamFile)
	// Upstream's newest files have system_variant and no container_deployment: the loader it comes with
	// accepts them; the mirror also asks for what the older loaders require.
	upstreamDoc["config"].(map[string]any)["experiments"].(map[string]any)["container_deployment"] = false
	require.NoError(t, upstreamLoadError(upstreamDoc), "the mirror accepts upstream's own file")

	var e sebs.ExperimentResult
	begin := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	e.Observe(begin)
	e.Observe(begin.Add(1250 * time.Millisecond))
	e.AddInvocation("sebd-010.sleep-go-1.26", expResult("0f1e2d3c-0000-4000-8000-000000000003", false))
	e.Config = sebs.UpstreamExperimentsConfig(sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26"}, sebs.ArchX64,
		map[string]any{"perf-cost": map[string]any{"benchmark": "010.sleep", "experiments": []string{"warm"}, "languages": []string{"go"}}})
	assertGolden(t, "upstream/experiments_go", e)
	data, err := sebs.MarshalUpstream(e)
	require.NoError(t, err)
	doc := readJSONMap(t, data)
	require.NoError(t, upstreamLoadError(doc))
	exp := doc["config"].(map[string]any)["experiments"].(map[string]any)
	assert.Equal(t, map[string]any{"language": "cpp", "version": "go1.26", "language-variant": "default"}, exp["runtime"])
	assert.Equal(t, map[string]any{"language": "go", "version": "1.26", "language-variant": "default"}, exp["gosebs_runtime"], "the truth kept")

	delete(exp, "runtime")
	assert.ErrorContains(t, upstreamLoadError(doc), "KeyError(\"runtime\")", "what the issue saw")
	exp["runtime"] = map[string]any{"language": "go", "version": "1.26"}
	assert.ErrorContains(t, upstreamLoadError(doc), "Unknown language type go")

	py := sebs.UpstreamExperimentsConfig(sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11"}, "", nil)
	pyExp := py["experiments"].(map[string]any)
	assert.Equal(t, sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11", Variant: "default"}, pyExp["runtime"])
	assert.NotContains(t, pyExp, "gosebs_runtime", "nothing to keep when upstream knows the runtime")
	assert.Equal(t, "x64", pyExp["architecture"])
}

func TestRuntimeUpstream(t *testing.T) {
	for in, want := range map[sebs.Runtime]sebs.Runtime{
		{Language: sebs.LanguagePython, Version: "3.11", Variant: "pypy"}: {Language: sebs.LanguagePython, Version: "3.11", Variant: "pypy"},
		{Language: sebs.LanguagePython, Version: "3.11"}:                  {Language: sebs.LanguagePython, Version: "3.11", Variant: "default"},
		{Language: sebs.LanguageNodeJS, Version: "20", Variant: "bun"}:    {Language: sebs.LanguageNodeJS, Version: "20", Variant: "bun"},
		{Language: sebs.LanguageJava, Version: "17", Variant: "graal"}:    {Language: sebs.LanguageJava, Version: "17", Variant: "default"},
		{Language: sebs.LanguageGo, Version: "1.26"}:                      {Language: sebs.LanguageCpp, Version: "go1.26", Variant: "default"},
		{Language: sebs.LanguageGo, Version: "go1.26"}:                    {Language: sebs.LanguageCpp, Version: "go1.26", Variant: "default"},
	} {
		assert.Equal(t, want, in.Upstream(), "%v", in)
	}
}
