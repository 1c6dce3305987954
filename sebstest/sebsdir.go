package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/sebsdir"
)

// BenchmarkDir runs the code of an upstream SeBS benchmark directory (benchmarks/<group>/<NNN.name>:
// config.json, input.py, python/…) in lang, as upstream's local platform does: every start lays out a
// code package from the directory (see [sebsdir.Benchmark.Layout]: the language's files, its init.sh
// scripts run on this host) and runs it as [PythonFunction] does, on the Python base image. The package
// is removed when the function stops.
//
// The function and its benchmark are named after the directory ("501.graph-pagerank"), and config.json's
// timeout and memory are its defaults ([WithConfig], [WithName] and [WithBenchmark] win). A benchmark
// that needs object storage runs when started [WithStorage] (store its inputs with [Storage.PrepareDir])
// and is refused without it (the error matches [sebsdir.ErrNeedsStorage]). A benchmark gosebs cannot run
// is refused before anything starts, with every reason: the error matches [sebsdir.ErrNeedsNoSQL] when
// it needs a NoSQL store, [sebsdir.ErrNoCode] or [sebsdir.ErrLanguage] when there is no code in lang that
// sebsdir can lay out (Python only, for now).
//
// Requirements (requirements.txt) are not installed: the Python image's packages must satisfy them. The
// first start of a source checks them (one short container of the image running the directory's
// input.py driver) and writes each unmet requirement to the progress writer ([WithProgress]; the test log
// under [New]) without refusing: the function may still work, or fail with an import error naming the
// module. Reuse one source for many starts to check once.
//
// The input for a size and the check of an output come from the directory's own generate_input and
// validate_output: open a [sebsdir.Session] on the same directory (the benchmarks suite does); for a
// storage benchmark, [Storage.PrepareDir] stores what its generate_input uploads and
// [sebsdir.Session.ValidateStored] with [Storage.Get] lets its validate_output read the outputs back.
func BenchmarkDir(dir string, lang sebs.Language) Source {
	return &benchmarkDirSource{dir: dir, lang: lang}
}

type benchmarkDirSource struct {
	dir  string
	lang sebs.Language

	checked sync.Once // the requirements are checked on the first start only
}

// checker is a source that can refuse the options before anything is resolved or started.
type checker interface {
	check(s *settings) error
}

// check refuses, before any image is built, a benchmark gosebs cannot run with the options given: one that
// needs object storage without WithStorage, one that needs NoSQL, one without code sebsdir lays out.
func (s *benchmarkDirSource) check(set *settings) error {
	b, err := sebsdir.Parse(s.dir)
	if err != nil {
		return fmt.Errorf("benchmark directory: %w", err)
	}
	var provided []sebsdir.Service
	if set.storage != nil {
		provided = append(provided, sebsdir.ObjectStorage)
	}
	if err := b.Runnable(s.lang, provided...); err != nil {
		return fmt.Errorf("benchmark directory %s cannot run here: %w", b.Dir, err)
	}
	return nil
}

func (s *benchmarkDirSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (sp spec, err error) {
	b, err := sebsdir.Parse(s.dir)
	if err != nil {
		return spec{}, fmt.Errorf("benchmark directory: %w", err)
	}
	if err := b.Runnable(s.lang, sebsdir.ObjectStorage); err != nil {
		return spec{}, fmt.Errorf("benchmark directory %s cannot run here: %w", b.Dir, err)
	}
	pkg, err := b.Layout(ctx, s.lang, "")
	if err != nil {
		return spec{}, fmt.Errorf("benchmark %s: lay out its %s code package: %w", b.Name, s.lang, err)
	}
	defer func() {
		if err != nil {
			_ = pkg.Remove()
		}
	}()
	sp, err = pythonSource{dir: pkg.Dir}.resolve(ctx, eng, progress)
	if err != nil {
		return spec{}, fmt.Errorf("benchmark %s: %w", b.Name, err)
	}
	if pkg.Requirements != "" {
		s.checked.Do(func() { logUnmetRequirements(ctx, eng, b, sp.ref, progress) })
	}
	sp.name, sp.benchmark = sanitizeName(b.Name), b.Name
	sp.config = b.FunctionConfig(sebs.Runtime{Language: sp.language, Version: sp.version, Variant: "default"})
	sp.cleanup = pkg.Remove
	for _, script := range pkg.InitScripts {
		fmt.Fprintf(progress, "sebstest: %s: ran %s\n", b.Name, script.Path)
	}
	return sp, nil
}

// logUnmetRequirements writes to progress each requirement of b that the image ref does not meet, or why
// they could not be checked; it never fails the start.
func logUnmetRequirements(ctx context.Context, eng *engine.Engine, b *sebsdir.Benchmark, ref string, progress io.Writer) {
	labels := owner.Labels()
	labels[owner.LabelKind] = "sebsdir-driver"
	sess, err := sebsdir.Open(ctx, b, sebsdir.Options{Image: ref, Client: eng.Client, Labels: labels})
	if err != nil {
		fmt.Fprintf(progress, "sebstest: %s: requirements not checked (running anyway): %v\n", b.Name, err)
		return
	}
	unmet, err := sess.UnmetRequirements(ctx)
	err = errors.Join(err, sess.Close())
	if err != nil {
		fmt.Fprintf(progress, "sebstest: %s: requirements not checked (running anyway): %v\n", b.Name, err)
	}
	for _, u := range unmet {
		fmt.Fprintf(progress, "sebstest: %s: requirement %q is not met by %s (%s); running anyway: "+
			"a missing module fails the call with an import error\n", b.Name, u.Line, ref, u.Reason)
	}
}
