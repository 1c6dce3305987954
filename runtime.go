package sebs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Language is the programming language of a function's code.
type Language string

// The languages upstream SeBS knows, plus Go for this project's own runtime.
//
// Upstream has no Go: its loaders reject "language": "go" ("Unknown language
// type go"). A Go function's own files (its Function and LocalFunction JSON)
// say "go" all the same, truthfully; upstream could not run them anyway.
// Results files meant for upstream's tools name it as [Runtime.Upstream]
// does: "cpp" (a native binary, upstream's nearest language) with the
// version "go<version>", and keep the true runtime beside it (see
// [UpstreamExperimentsConfig]).
const (
	LanguagePython Language = "python"
	LanguageNodeJS Language = "nodejs"
	LanguageJava   Language = "java"
	LanguageCpp    Language = "cpp"
	LanguageGo     Language = "go"
)

var languages = [...]Language{LanguagePython, LanguageNodeJS, LanguageJava, LanguageCpp, LanguageGo}

// ParseLanguage returns the Language named s, ignoring case and surrounding
// space. An unknown name gives an error that lists the known ones.
func ParseLanguage(s string) (Language, error) {
	name := strings.TrimSpace(s)
	for _, l := range languages {
		if strings.EqualFold(name, string(l)) {
			return l, nil
		}
	}
	return "", fmt.Errorf("sebs: unknown language %q: use one of python, nodejs, java, cpp, go", s)
}

// UnmarshalJSON reads a language name and rejects unknown ones; an empty
// name reads as the zero Language.
func (l *Language) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("sebs: language must be a JSON string: %w", err)
	}
	if s == "" {
		*l = "" // unknown, as the zero Runtime writes it
		return nil
	}
	v, err := ParseLanguage(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Architecture is the CPU architecture a function is built for.
type Architecture string

// The architectures upstream SeBS knows.
const (
	ArchX64   Architecture = "x64"
	ArchARM64 Architecture = "arm64"
)

// ParseArchitecture returns the Architecture named s, ignoring case and
// surrounding space. An unknown name gives an error that lists the known ones.
func ParseArchitecture(s string) (Architecture, error) {
	name := strings.TrimSpace(s)
	switch {
	case strings.EqualFold(name, string(ArchX64)):
		return ArchX64, nil
	case strings.EqualFold(name, string(ArchARM64)):
		return ArchARM64, nil
	}
	return "", fmt.Errorf("sebs: unknown architecture %q: use x64 or arm64", s)
}

// UnmarshalJSON reads an architecture name and rejects unknown ones; an
// empty name reads as the zero Architecture.
func (a *Architecture) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("sebs: architecture must be a JSON string: %w", err)
	}
	if s == "" {
		*a = ""
		return nil
	}
	v, err := ParseArchitecture(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// DefaultVariant is the runtime variant used when none is given.
const DefaultVariant = "default"

// Runtime is the language runtime a function runs on, for example Python 3.11
// in its default (CPython) variant. Upstream's variants are default and pypy
// for Python, default, bun and llrt for Node.js, and default elsewhere.
//
// Its JSON is upstream's: {"language", "version", "language-variant"}. A
// missing or empty variant reads, and is written, as "default".
type Runtime struct {
	Language Language `json:"language"`
	Version  string   `json:"version"`
	Variant  string   `json:"language-variant"`
}

// String returns the runtime as "language-version", with the variant appended
// when it is not the default, e.g. "python-3.11" or "python-3.11-pypy".
func (r Runtime) String() string {
	s := string(r.Language) + "-" + r.Version
	if r.Variant != "" && r.Variant != DefaultVariant {
		s += "-" + r.Variant
	}
	return s
}

type runtimeJSON Runtime

// MarshalJSON writes the runtime in upstream's shape.
func (r Runtime) MarshalJSON() ([]byte, error) {
	if r.Variant == "" {
		r.Variant = DefaultVariant
	}
	return json.Marshal(runtimeJSON(r))
}

// UnmarshalJSON reads the runtime in upstream's shape.
func (r *Runtime) UnmarshalJSON(data []byte) error {
	var v runtimeJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sebs: decode runtime: %w", err)
	}
	if v.Variant == "" {
		v.Variant = DefaultVariant
	}
	*r = Runtime(v)
	return nil
}

// upstreamVariants are the variants upstream's loaders accept per language
// (sebs/faas/function.py, Variant).
var upstreamVariants = map[Language][]string{
	LanguagePython: {DefaultVariant, "pypy"},
	LanguageNodeJS: {DefaultVariant, "bun", "llrt"},
	LanguageJava:   {DefaultVariant},
	LanguageCpp:    {DefaultVariant},
}

// Upstream returns the runtime as upstream's loaders accept it: r itself
// for python, nodejs, java and cpp with a variant upstream knows; Go as
// {"language": "cpp", "version": "go<version>"}; an unknown variant (or
// language) as the default variant (of cpp). Compare with r to see whether
// anything was lost.
func (r Runtime) Upstream() Runtime {
	out := Runtime{Language: r.Language, Version: r.Version, Variant: r.Variant}
	variants, known := upstreamVariants[r.Language]
	if !known {
		out.Language = LanguageCpp
		variants = upstreamVariants[LanguageCpp]
		if r.Language == LanguageGo {
			out.Version = "go" + strings.TrimPrefix(r.Version, "go")
		}
	}
	if out.Variant == "" || !slices.Contains(variants, out.Variant) {
		out.Variant = DefaultVariant
	}
	return out
}
