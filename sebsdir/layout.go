package sebsdir

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gosebs/sebs"
)

// InitScriptTimeout bounds each init.sh that [Benchmark.Layout] runs.
const InitScriptTimeout = 2 * time.Minute

// Package is a code package laid out as upstream's local platform lays it out for Python:
//
//	<Dir>/requirements.txt        (when the benchmark has one)
//	<Dir>/function/function.py    (and every other *.py, requirements.txt.*, what init.sh added)
//
// Mount Dir read-only at /function in the Python runtime image; its server imports function.function.
type Package struct {
	// Dir is the package's root, world-readable (the runtime image runs as an unprivileged user).
	Dir string
	// Language is the package's language.
	Language sebs.Language
	// Requirements is the path, under Dir, of requirements.txt, or "" when the benchmark has none. gosebs
	// installs nothing from it: the runtime image's Debian packages must satisfy it (see
	// [Session.UnmetRequirements]).
	Requirements string
	// InitScripts lists the init.sh scripts that ran, with their output.
	InitScripts []InitScript
	temp        bool
}

// InitScript is one init.sh run while laying out a package.
type InitScript struct {
	Path   string // the script's absolute path
	Output string // its combined stdout and stderr
}

// Remove deletes the package directory when Layout made it (dst ""); it does nothing otherwise.
func (p *Package) Remove() error {
	if !p.temp {
		return nil
	}
	return os.RemoveAll(p.Dir)
}

// Layout lays out the benchmark's code in lang into dst as upstream's local platform does
// (Benchmark.copy_code, add_benchmark_data, then LocalDeployment.package_code): it copies <lang>/*.py and
// <lang>/requirements.txt*, runs the init.sh of the benchmark directory and of <lang>/ (with bash, on
// this host, as upstream does: "init.sh <dst> false x64"), then moves everything but requirements.txt
// into dst/function/. dst must not exist or be empty; when dst is "", Layout makes a temporary directory
// that [Package.Remove] deletes. Upstream's storage.py and nosql.py wrappers are not added: benchmarks
// that need them cannot run here (see [Benchmark.Runnable]).
func (b *Benchmark) Layout(ctx context.Context, lang sebs.Language, dst string) (*Package, error) {
	if !b.HasCode(lang) {
		return nil, fmt.Errorf("sebsdir: lay out %s: %w %s", b.Name, ErrNoCode, lang)
	}
	if lang != sebs.LanguagePython {
		return nil, fmt.Errorf("sebsdir: lay out %s: %w: %s (python only)", b.Name, ErrLanguage, lang)
	}
	p := &Package{Language: lang}
	var err error
	if p.Dir, p.temp, err = packageDir(dst); err != nil {
		return nil, fmt.Errorf("sebsdir: lay out %s: %w", b.Name, err)
	}
	if err := b.fillPackage(ctx, p); err != nil {
		p.Remove()
		return nil, fmt.Errorf("sebsdir: lay out %s in %s: %w", b.Name, p.Dir, err)
	}
	return p, nil
}

// packageDir makes dst (or a temporary directory when dst is "") and checks it is empty.
func packageDir(dst string) (dir string, temp bool, err error) {
	if dst == "" {
		dir, err = os.MkdirTemp("", "sebsdir-package-")
		return dir, true, err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return "", false, err
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		return "", false, err
	}
	if len(entries) > 0 {
		return "", false, fmt.Errorf("%s is not empty: lay a package out into a new or empty directory", dst)
	}
	dir, err = filepath.Abs(dst)
	return dir, false, err
}

// fillPackage copies, runs init.sh, moves into function/ and makes the tree world-readable.
func (b *Benchmark) fillPackage(ctx context.Context, p *Package) error {
	src := filepath.Join(b.Dir, string(p.Language))
	for _, pattern := range []string{"*.py", "requirements.txt*"} {
		matches, err := filepath.Glob(filepath.Join(src, pattern))
		if err != nil {
			return err
		}
		for _, m := range matches {
			if st, err := os.Stat(m); err != nil || !st.Mode().IsRegular() {
				continue
			}
			if err := copyFile(m, filepath.Join(p.Dir, filepath.Base(m))); err != nil {
				return err
			}
		}
	}
	for _, dir := range []string{b.Dir, src} {
		script := filepath.Join(dir, "init.sh")
		if _, err := os.Stat(script); err != nil {
			continue
		}
		out, err := runInit(ctx, script, p.Dir)
		if err != nil {
			return err
		}
		p.InitScripts = append(p.InitScripts, InitScript{Path: script, Output: out})
	}
	if err := moveIntoFunction(p.Dir); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(p.Dir, "requirements.txt")); err == nil {
		p.Requirements = filepath.Join(p.Dir, "requirements.txt")
	}
	return worldReadable(p.Dir)
}

// runInit runs an init.sh as upstream's add_benchmark_data does.
func runInit(ctx context.Context, script, dst string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, InitScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script, dst, "false", string(sebs.ArchX64))
	cmd.Dir = filepath.Dir(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s false x64 failed (%w); its output:\n%s", script, dst, err, tail(string(out), 2048))
	}
	return string(out), nil
}

// moveIntoFunction moves every entry of dir but requirements.txt, handler.py and .python_packages into
// dir/function, as upstream's local package_code does.
func moveIntoFunction(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fn := filepath.Join(dir, "function")
	if err := os.Mkdir(fn, 0o755); err != nil {
		return fmt.Errorf("make function/ (did init.sh make one?): %w", err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "requirements.txt", "handler.py", ".python_packages":
			continue
		}
		if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(fn, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// worldReadable makes every directory under root 0755 and every file readable by all (a+r), so the
// runtime image's unprivileged user can import the code.
func worldReadable(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode().Perm() | 0o444
		if d.IsDir() {
			mode |= 0o111
		}
		return os.Chmod(path, mode)
	})
}

// copyFile copies a regular file, keeping its permission bits.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// tail returns s's last n bytes or so, from a line start.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return "…" + s
}
