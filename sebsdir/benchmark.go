package sebsdir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gosebs/sebs"
)

// Benchmark is a parsed benchmark directory in upstream SeBS's layout.
type Benchmark struct {
	// Dir is the directory's absolute path.
	Dir string
	// Name is the directory's base name, upstream's benchmark name, e.g. "501.graph-pagerank".
	Name string
	// Config is config.json.
	Config Config
	// Code lists the languages of Config.Languages that have a code directory (<Dir>/<language>/).
	Code []sebs.Language
	// Input describes input.py as read from its source.
	Input InputFile
	// Needs lists the services the benchmark needs beyond a function container (object storage, NoSQL),
	// with the reason each was inferred; empty when it needs none.
	Needs []Need
}

// Config is a benchmark's config.json, as upstream's BenchmarkConfig reads it.
type Config struct {
	// Timeout is the function's timeout in seconds.
	Timeout int `json:"timeout"`
	// Memory is the function's memory in MB.
	Memory int `json:"memory"`
	// Languages lists the languages the benchmark is written in, with their variants.
	Languages []LanguageSpec `json:"languages"`
	// Modules lists the platform modules the benchmark uses: "storage", "nosql".
	Modules []string `json:"modules"`
}

// LanguageSpec is one entry of config.json's languages: a plain name ("python") or an object
// {"language": "nodejs", "variants": ["default", "bun"]}. A plain name has the variant "default".
type LanguageSpec struct {
	Language sebs.Language
	Variants []string // "default", "pypy", "bun"…
}

// UnmarshalJSON reads both forms upstream accepts.
func (l *LanguageSpec) UnmarshalJSON(data []byte) error {
	var name string
	if err := json.Unmarshal(data, &name); err == nil {
		*l = LanguageSpec{Language: sebs.Language(name), Variants: []string{sebs.DefaultVariant}}
		return nil
	}
	var obj struct {
		Language string   `json:"language"`
		Variants []string `json:"variants"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("a language is a name or {\"language\", \"variants\"}: %w", err)
	}
	if len(obj.Variants) == 0 {
		obj.Variants = []string{sebs.DefaultVariant}
	}
	*l = LanguageSpec{Language: sebs.Language(obj.Language), Variants: obj.Variants}
	return nil
}

// FunctionConfig returns the function configuration the benchmark asks for: config.json's timeout and
// memory, with the runtime rt.
func (b *Benchmark) FunctionConfig(rt sebs.Runtime) sebs.FunctionConfig {
	return sebs.FunctionConfig{Timeout: b.Config.Timeout, Memory: b.Config.Memory, Runtime: rt,
		Architecture: sebs.ArchX64}
}

// HasCode reports whether the benchmark declares lang in config.json and has its code directory.
func (b *Benchmark) HasCode(lang sebs.Language) bool { return slices.Contains(b.Code, lang) }

// Parse reads the benchmark directory dir: config.json (required, with timeout, memory and languages),
// input.py (required) and which language directories exist.
func Parse(dir string) (*Benchmark, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sebsdir: benchmark directory %s: %w", dir, err)
	}
	b := &Benchmark{Dir: abs, Name: filepath.Base(abs)}
	if err := readConfig(filepath.Join(abs, "config.json"), &b.Config); err != nil {
		return nil, err
	}
	for _, spec := range b.Config.Languages {
		if st, err := os.Stat(filepath.Join(abs, string(spec.Language))); err == nil && st.IsDir() {
			b.Code = append(b.Code, spec.Language)
		}
	}
	b.Input, err = readInputFile(filepath.Join(abs, "input.py"))
	if err != nil {
		return nil, err
	}
	b.Needs = inferNeeds(b.Config, b.Input)
	return b, nil
}

// readConfig decodes and checks config.json.
func readConfig(path string, c *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("sebsdir: a benchmark directory needs config.json as upstream's: %w", err)
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(data, &present); err != nil {
		return fmt.Errorf("sebsdir: %s is not a JSON object: %w", path, err)
	}
	if err := json.Unmarshal(data, c); err != nil {
		return fmt.Errorf("sebsdir: %s: %w", path, err)
	}
	var missing []error
	for _, key := range []string{"timeout", "memory", "languages"} {
		if _, ok := present[key]; !ok {
			missing = append(missing, fmt.Errorf("no %q", key))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("sebsdir: %s lacks what upstream's BenchmarkConfig requires: %w", path, errors.Join(missing...))
	}
	return nil
}
