package sebstest

import (
	"context"
	"fmt"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// A Source says where a function's image comes from: built from Go source, built from Python source on
// the Python base image, or an image that already exists.
type Source interface {
	// resolve makes sure the image exists (building it if needed) and says how to run it.
	resolve(ctx context.Context, s *settings) (imageSpec, error)
}

// imageSpec is what starting a container needs to know about its image.
type imageSpec struct {
	ref      string            // image reference
	cmd      []string          // command, or nil for the image's own
	codeDir  string            // host directory mounted read-only at /function, or ""
	language sebs.Language     // for the function's config
	version  string            // language version, for the function's config
	hash     string            // code hash for the function's JSON
	name     string            // default function name
	readOnly bool              // the root filesystem can be read-only (our static Go runtime)
	capAdd   []string          // capabilities the image's own start-up needs; all others are dropped
	env      map[string]string // environment the image's start-up expects; WithEnv overrides it
}

// Image runs an existing local image that serves the SeBS protocol on port 9000 (change it with
// [WithPort]). Nothing is pulled: the image must be on the engine already.
func Image(ref string) Source { return imageSource{ref: ref} }

type imageSource struct{ ref string }

func (i imageSource) resolve(ctx context.Context, s *settings) (imageSpec, error) {
	eng, err := s.client(ctx)
	if err != nil {
		return imageSpec{}, err
	}
	if _, err := eng.ImageInspect(ctx, i.ref); err != nil {
		return imageSpec{}, fmt.Errorf("image %q is not on the Docker engine (nothing is pulled; build or load it first): %w", i.ref, err)
	}
	return imageSpec{ref: i.ref, name: sanitizeName(i.ref), hash: ""}, nil
}

// Fixture is the source of one of the built-in fixture functions (see package fixtures) in the given
// language: sebs.LanguageGo or sebs.LanguagePython.
func Fixture(name string, lang sebs.Language) Source {
	return fixtureSource{name: name, lang: lang}
}

type fixtureSource struct {
	name string
	lang sebs.Language
}

func (f fixtureSource) resolve(ctx context.Context, s *settings) (imageSpec, error) {
	if b, err := fixtures.Lookup(f.name); err == nil {
		if s.benchmark == "" {
			s.benchmark = b.Upstream
			if s.benchmark == "" {
				s.benchmark = b.Name
			}
		}
		if !s.configSet {
			s.config.Timeout, s.config.Memory = b.Timeout, b.Memory
		}
	}
	switch f.lang {
	case sebs.LanguageGo:
		dir, err := fixtures.GoSource(f.name)
		if err != nil {
			return imageSpec{}, fmt.Errorf("fixture %q in Go: %w", f.name, err)
		}
		return GoFunction(dir).resolve(ctx, s)
	case sebs.LanguagePython:
		dir, err := fixtures.PythonSource(f.name)
		if err != nil {
			return imageSpec{}, fmt.Errorf("fixture %q in Python: %w", f.name, err)
		}
		return PythonFunction(dir).resolve(ctx, s)
	default:
		return imageSpec{}, fmt.Errorf("fixture %q: no fixtures in language %q (have go and python)", f.name, f.lang)
	}
}
