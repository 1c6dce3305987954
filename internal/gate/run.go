package gate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// MinCount is the fewest rounds a comparison accepts: with fewer samples a side, benchstat prints no
// confidence interval and a regression is hard to call significant.
const MinCount = 6

// Options describe one comparison of a base revision against the working tree.
type Options struct {
	// Dir is where the user runs the comparison: the module root or a directory below it ("" = the
	// current directory). Package is resolved from here.
	Dir string
	// Base is the git revision to compare against: a branch, tag, origin/main, HEAD~1 or a commit.
	Base string
	// Package is the benchmark package, as `go test` takes it ("./bench", ".").
	Package string
	// Bench is the -test.bench regular expression.
	Bench string
	// Count is the number of interleaved rounds; each round runs both binaries once with -test.count 1.
	Count int
	// Benchtime is -test.benchtime: a duration ("1s") or a count ("20x").
	Benchtime string
	// Benchmem adds -test.benchmem (allocs/op and B/op for every benchmark).
	Benchmem bool
	// TestArgs are passed to both test binaries after ours (e.g. "-sebs.modes=sequential").
	TestArgs []string
	// OutDir receives base.txt and head.txt ("" = a new temporary directory, kept).
	OutDir string
	// Gate says what counts as a regression.
	Gate Config
	// Progress receives one line per step and round (typically os.Stderr; nil = discard).
	Progress io.Writer
}

// Report is the outcome of a comparison.
type Report struct {
	BaseRev    string // the revision as given
	BaseCommit string // the commit it resolved to
	BaseFile   string // results of the base revision
	HeadFile   string // results of the working tree
	Verdicts   []Verdict
}

// Regressions returns the verdicts that fail the gate.
func (r *Report) Regressions() []Verdict {
	var out []Verdict
	for _, v := range r.Verdicts {
		if v.Regressed {
			out = append(out, v)
		}
	}
	return out
}

// Run benchmarks the base revision and the working tree on this machine and compares them: it checks the
// base out in a temporary git work tree, builds both test binaries, runs them in Count interleaved rounds
// (the order alternates, so drift on a busy machine hits both alike), writes base.txt and head.txt, and
// returns the gate's verdicts. The work tree is removed before Run returns, also when ctx is cancelled.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %q: %w", o.Dir, err)
	}
	rp, err := findRepo(ctx, dir)
	if err != nil {
		return nil, err
	}
	commit, err := rp.resolve(ctx, o.Base)
	if err != nil {
		return nil, err
	}
	headDir, rel, err := packageDir(ctx, dir, rp.top, o.Package)
	if err != nil {
		return nil, err
	}
	rep := &Report{BaseRev: o.Base, BaseCommit: commit}
	if rep.BaseFile, rep.HeadFile, err = o.outFiles(); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "sebs-gate-")
	if err != nil {
		return nil, fmt.Errorf("create a temporary directory for the base work tree and the binaries: %w", err)
	}
	defer os.RemoveAll(work)

	fmt.Fprintf(progress, "sebs-gate: base %s (%.12s) against the working tree of %s\n", o.Base, commit, rp.top)
	wt, remove, err := rp.addWorktree(ctx, work, commit)
	if err != nil {
		return nil, err
	}
	defer remove()
	baseDir := filepath.Join(wt, rel)
	if st, err := os.Stat(baseDir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("the base revision %s has no package directory %s: the package is new, so there is "+
			"nothing to compare it against; pass a -base that has it", o.Base, filepath.ToSlash(rel))
	}

	baseOut, err := os.Create(rep.BaseFile)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", rep.BaseFile, err)
	}
	defer baseOut.Close()
	headOut, err := os.Create(rep.HeadFile)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", rep.HeadFile, err)
	}
	defer headOut.Close()
	base := side{name: "base", dir: baseDir, bin: filepath.Join(work, "base.test"), out: baseOut}
	head := side{name: "head", dir: headDir, bin: filepath.Join(work, "head.test"), out: headOut}

	fmt.Fprintf(progress, "sebs-gate: building the test binaries of %s\n", filepath.ToSlash(rel))
	for _, s := range []side{head, base} {
		if err := s.build(ctx); err != nil {
			return nil, err
		}
	}
	if err := o.rounds(ctx, progress, base, head); err != nil {
		return nil, err
	}
	for _, f := range []*os.File{baseOut, headOut} {
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Name(), err)
		}
	}
	rep.Verdicts, err = CompareFiles(rep.BaseFile, rep.HeadFile, o.Gate)
	return rep, err
}

// rounds runs both binaries Count times, alternating which goes first, and reports each round.
func (o Options) rounds(ctx context.Context, progress io.Writer, base, head side) error {
	args := []string{"-test.run", "^$", "-test.bench", o.Bench, "-test.benchtime", o.Benchtime, "-test.count", "1"}
	if o.Benchmem {
		args = append(args, "-test.benchmem")
	}
	args = append(args, o.TestArgs...)
	fmt.Fprintf(progress, "sebs-gate: %d rounds of -bench %q -benchtime %s %s\n", o.Count, o.Bench, o.Benchtime, strings.Join(o.TestArgs, " "))
	for i := 1; i <= o.Count; i++ {
		order := []side{base, head}
		if i%2 == 0 {
			order = []side{head, base}
		}
		took := map[string]time.Duration{}
		for _, s := range order {
			start := time.Now()
			n, err := s.run(ctx, args)
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: -bench %q matched no benchmark of the %s version of %s; list them with "+
					"`go test -list 'Benchmark.*' %s` and fix -bench", errNoBenchmarks, o.Bench, s.name, o.Package, o.Package)
			}
			took[s.name] = time.Since(start)
		}
		fmt.Fprintf(progress, "sebs-gate: round %d of %d: base %s, head %s\n",
			i, o.Count, took["base"].Round(time.Millisecond), took["head"].Round(time.Millisecond))
	}
	return nil
}

// validate rejects options that cannot give a meaningful comparison.
func (o Options) validate() error {
	switch {
	case o.Base == "":
		return errors.New("no base revision: pass -base, e.g. -base origin/main")
	case o.Package == "":
		return errors.New("no benchmark package: pass it as an argument, e.g. ./bench")
	case o.Count < MinCount:
		return fmt.Errorf("-count %d is too few rounds: the comparison needs at least %d samples a side "+
			"(benchstat's confidence interval and a significant U-test); use -count 10", o.Count, MinCount)
	case o.Bench == "" || o.Benchtime == "":
		return errors.New("-bench and -benchtime must not be empty (defaults: . and 1s)")
	}
	return o.Gate.validate()
}

// outFiles returns the paths of base.txt and head.txt, creating the output directory.
func (o Options) outFiles() (string, string, error) {
	out := o.OutDir
	if out == "" {
		var err error
		if out, err = os.MkdirTemp("", "sebs-gate-out-"); err != nil {
			return "", "", fmt.Errorf("create a directory for the results: %w (pass -o DIR)", err)
		}
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return "", "", fmt.Errorf("create the output directory %s: %w", out, err)
	}
	return filepath.Join(out, "base.txt"), filepath.Join(out, "head.txt"), nil
}

// packageDir resolves the benchmark package from dir with `go list` and returns its directory and its path
// relative to the repository's top, which is where it lies in the base work tree too.
func packageDir(ctx context.Context, dir, top, pkg string) (string, string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pkg)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("find the benchmark package %q from %s (go list): %w\n%s\nrun sebs-gate from your "+
			"module's root and pass the package directory, e.g. ./bench", pkg, dir, err, strings.TrimSpace(string(out)))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 {
		return "", "", fmt.Errorf("%q names %d packages: sebs-gate compares one benchmark package at a time", pkg, len(lines))
	}
	pdir, err := filepath.EvalSymlinks(lines[0])
	if err != nil {
		return "", "", fmt.Errorf("resolve the package directory %s: %w", lines[0], err)
	}
	rel, err := filepath.Rel(top, pdir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", "", fmt.Errorf("the package %s is outside the git repository %s: its base version cannot be checked out", pdir, top)
	}
	return pdir, rel, nil
}
