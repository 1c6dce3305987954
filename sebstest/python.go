package sebstest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// PythonFunction runs a Python function laid out as upstream SeBS lays out a code package: codeDir holds
// function/function.py with handler(event) (and, optionally, .python_packages/lib/site-packages). The
// directory is mounted read-only at /function in a container of the Python base image, which is built
// from Debian packages on first use (see [PythonImage]) and runs our threaded wrapper server.
func PythonFunction(codeDir string) Source { return pythonSource{dir: codeDir} }

type pythonSource struct{ dir string }

func (p pythonSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	abs, hash, err := codePackage(p.dir, sebs.LanguagePython)
	if err == nil {
		err = checkCodeLayout("python function", abs, entryFiles[sebs.LanguagePython], pythonUID, pythonUID)
	}
	if err != nil {
		return spec{}, err
	}
	ref, err := pythonImage(ctx, eng, progress)
	if err != nil {
		return spec{}, err
	}
	return spec{
		ref: ref, codeDir: abs, ownsPath: true, name: sanitizeName(filepath.Base(abs)), hash: hash,
		language: sebs.LanguagePython, version: pythonVersion,
	}, nil
}

// pythonVersion is the Python of the base image (Debian bookworm's python3).
const pythonVersion = "3.11"

// pythonUID is the uid and gid the Python base image's server runs as (nobody).
const pythonUID = 65534

// UpstreamImage runs an upstream SeBS local image (spcleth/serverless-benchmarks:run.local.python.3.11,
// run.local.nodejs.18, or one built from upstream's dockerfiles), with upstream's command (/bin/bash
// /sebs/run_server.sh 9000, the same for both languages) and the code package in codeDir mounted read-only at
// /function, as upstream's local platform does. The image must already be on the engine. The function's
// language is the code package's (function/function.py or function/function.js), its version the image tag's
// (run.local.<language>.<version>) or that of our base image of the language.
//
// Upstream's entrypoint starts as root, creates a user with the uid and gid in CONTAINER_UID and
// CONTAINER_GID, and switches to it before the server starts. So, unlike our own runtimes, such a
// container keeps five capabilities for that ([UpstreamCapabilities]) and a writable root
// filesystem; it is otherwise locked down as ours are (not privileged, no-new-privileges, limits, ports on
// 127.0.0.1). The user is the caller's uid and gid, as upstream does, or 1000:1000 when the caller is root,
// so the server never runs as root; testcontainers.WithEnv overrides CONTAINER_UID, CONTAINER_GID and CONTAINER_USER.
//
// The function is named after the benchmark given with [WithBenchmark] (so that several benchmarks run on
// one image are told apart in results), else after the image; [WithName] wins over both. The code package
// is checked before the container starts: codeDir must hold function/function.py, readable by the user
// the server runs as.
//
// Upstream's server always reports is_cold false, so cold starts cannot be verified on it:
// [Function.ColdInvoke] and the cold and burst benchmark modes fail with an error saying so, and the warm
// benchmark mode discards a first call, which imports the function (see [Function.ReportsCold]).
func UpstreamImage(ref, codeDir string) Source { return upstreamSource{ref: ref, dir: codeDir} }

// UpstreamCapabilities returns the capabilities an [UpstreamImage] container keeps, so that an entrypoint
// like upstream's can create its user (useradd, groupmod, chown) and switch to it; every other capability
// is dropped.
func UpstreamCapabilities() []string {
	return []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"}
}

// keptCapabilities returns those of caps (as the engine reports them) that a function container may keep:
// a re-attached container passes on to its replacements no capability beyond [UpstreamCapabilities].
func keptCapabilities(caps []string) []string {
	var kept []string
	for _, c := range caps {
		name := "CAP_" + strings.TrimPrefix(strings.ToUpper(c), "CAP_")
		if slices.Contains(UpstreamCapabilities(), name) {
			kept = append(kept, name)
		}
	}
	return kept
}

type upstreamSource struct{ ref, dir string }

func (u upstreamSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	abs, err := filepath.Abs(u.dir)
	if err != nil {
		return spec{}, fmt.Errorf("upstream function %q: %w", u.dir, err)
	}
	uid, gid := upstreamUser()
	if err := checkCodeLayout("upstream function", abs, upstreamEntry(abs), uid, gid); err != nil {
		return spec{}, err
	}
	sp, err := imageSource{ref: u.ref}.resolve(ctx, eng, progress)
	if err != nil {
		return sp, err
	}
	if sp.hash, err = dirHash(abs); err != nil {
		return spec{}, err
	}
	sp.codeDir, sp.ownsPath = abs, true
	sp.coldUntrusted, sp.nameByBenchmark = true, true
	sp.cmd = []string{"/bin/bash", "/sebs/run_server.sh", "9000"}
	if sp.language, sp.version, err = upstreamRuntime(u.ref, abs); err != nil {
		return spec{}, err
	}
	sp.capAdd = UpstreamCapabilities()
	sp.env = map[string]string{
		"CONTAINER_UID": strconv.Itoa(uid), "CONTAINER_GID": strconv.Itoa(gid), "CONTAINER_USER": "docker_user",
	}
	return sp, nil
}

// upstreamUser is the uid and gid an upstream image's server runs as: the caller's, as upstream's local
// platform sets them, but never root.
func upstreamUser() (uid, gid int) {
	uid, gid = os.Getuid(), os.Getgid()
	if uid <= 0 {
		uid = 1000
	}
	if gid <= 0 {
		gid = 1000
	}
	return uid, gid
}

// dirHash hashes every regular file's path and content under dir, in lexical order, so the code hash
// changes exactly when the code does.
func dirHash(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash code in %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// upstreamEntry is the entry file of the code package in dir as an upstream image runs it: function.py, or
// function.js for a Node.js package (one that has no function.py).
func upstreamEntry(dir string) string {
	py, js := entryFiles[sebs.LanguagePython], entryFiles[sebs.LanguageNodeJS]
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(py))); err != nil {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(js))); err == nil {
			return js
		}
	}
	return py
}
