package sebstest

import (
	"context"
	"fmt"
	"io"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
)

// A Source says where a function's image comes from: built from Go source, built from Python source on
// the Python base image, or an image that already exists. A source says what it knows about the function
// (image, name, benchmark, default config, code mount); options the caller passes win over it.
type Source interface {
	// resolve makes sure the image exists (building it through eng if needed) and says how to run it.
	resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error)
}

// spec is what a source knows about its function and image.
type spec struct {
	ref       string              // image reference
	name      string              // default function name
	benchmark string              // default benchmark name
	config    sebs.FunctionConfig // default config (memory, timeout); zero fields take the package defaults
	hash      string              // code hash for the function's JSON
	language  sebs.Language       // for the function's config
	version   string              // language version, for the function's config
	cmd       []string            // command, or nil for the image's own
	codeDir   string              // host directory mounted read-only at /function, or ""
	ownsPath  bool                // the image itself uses /function (binary or code mount): WithCode is refused
	readOnly  bool                // the root filesystem can be read-only (our static Go runtime)
	capAdd    []string            // capabilities the image's own start-up needs; all others are dropped
	env       map[string]string   // environment the image's start-up expects; the caller's env wins
	cleanup   func() error        // removes what resolve made on the host (a laid-out package) once the function stops; nil for none

	coldUntrusted   bool        // the server's is_cold cannot be trusted (upstream's is always false)
	nameByBenchmark bool        // the function is named after WithBenchmark's benchmark when one is given
	lambda          *lambdaSpec // an AWS Lambda function under the emulator (lambda.go), or nil
}

// Image runs an existing local image that serves the SeBS protocol on port 9000 (change it with
// [WithPort]). Nothing is pulled: the image must be on the engine already.
func Image(ref string) Source { return imageSource{ref: ref} }

type imageSource struct{ ref string }

func (i imageSource) resolve(ctx context.Context, eng *engine.Engine, _ io.Writer) (spec, error) {
	if _, err := eng.ImageInspect(ctx, i.ref); err != nil {
		return spec{}, fmt.Errorf("image %q is not on the Docker engine (nothing is pulled; build or load it first): %w", i.ref, err)
	}
	return spec{ref: i.ref, name: sanitizeName(i.ref)}, nil
}

// Fixture is the source of one of the built-in fixture functions (see package fixtures) in the given
// language: sebs.LanguageGo, sebs.LanguagePython or sebs.LanguageNodeJS. The fixture's benchmark name and its memory and
// timeout are the function's defaults.
func Fixture(name string, lang sebs.Language) Source {
	return fixtureSource{name: name, lang: lang}
}

type fixtureSource struct {
	name string
	lang sebs.Language
}

func (f fixtureSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	var src Source
	switch f.lang {
	case sebs.LanguageGo:
		dir, err := fixtures.GoSource(f.name)
		if err != nil {
			return spec{}, fmt.Errorf("fixture %q in Go: %w", f.name, err)
		}
		src = GoFunction(dir)
	case sebs.LanguagePython:
		dir, err := fixtures.PythonSource(f.name)
		if err != nil {
			return spec{}, fmt.Errorf("fixture %q in Python: %w", f.name, err)
		}
		src = PythonFunction(dir)
	case sebs.LanguageNodeJS:
		dir, err := fixtures.NodeSource(f.name)
		if err != nil {
			return spec{}, fmt.Errorf("fixture %q in Node.js: %w", f.name, err)
		}
		src = NodeFunction(dir)
	default:
		return spec{}, fmt.Errorf("fixture %q: no fixtures in language %q (have go, python and nodejs)", f.name, f.lang)
	}
	sp, err := src.resolve(ctx, eng, progress)
	if err != nil {
		return sp, err
	}
	if b, err := fixtures.Lookup(f.name); err == nil {
		sp.benchmark = b.Upstream
		if sp.benchmark == "" {
			sp.benchmark = b.Name
		}
		sp.config.Timeout, sp.config.Memory = b.Timeout, b.Memory
	}
	return sp, nil
}
