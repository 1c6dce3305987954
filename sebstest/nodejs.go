package sebstest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// NodeFunction runs a Node.js function in upstream SeBS's code layout: codeDir holds function/function.js,
// which exports handler(event) (a plain or an async function), and is mounted read-only at /function in the
// Node.js base image (Debian's Node.js 18 with node-mustache, node-uuid and node-aws4, built from
// fixtures/nodejs/image on first use, as [PythonImage] is). Our wrapper server (fixtures/nodejs/runtime/server.js)
// serves it as uid 65534, with a true is_cold and begin/end around the handler only.
func NodeFunction(codeDir string) Source { return nodeSource{dir: codeDir} }

// nodeVersion is the Node.js major version of the base image (Debian bookworm's nodejs).
const nodeVersion = "18"

type nodeSource struct{ dir string }

func (n nodeSource) resolve(ctx context.Context, eng *engine.Engine, progress io.Writer) (spec, error) {
	abs, hash, err := codePackage(n.dir, sebs.LanguageNodeJS)
	if err != nil {
		return spec{}, err
	}
	ref, err := nodeImage(ctx, eng, progress)
	if err != nil {
		return spec{}, err
	}
	return spec{
		ref: ref, codeDir: abs, ownsPath: true, name: sanitizeName(filepath.Base(abs)), hash: hash,
		language: sebs.LanguageNodeJS, version: nodeVersion,
	}, nil
}

// entryFiles are the files, relative to a code package, that upstream's wrappers load per language.
var entryFiles = map[sebs.Language]string{
	sebs.LanguagePython: "function/function.py",
	sebs.LanguageNodeJS: "function/function.js",
}

// codePackage checks that dir is a code package of lang in upstream's layout and returns its absolute path and
// the hash of its files.
func codePackage(dir string, lang sebs.Language) (abs, hash string, err error) {
	if abs, err = filepath.Abs(dir); err != nil {
		return "", "", fmt.Errorf("%s function %q: %w", lang, dir, err)
	}
	entry := entryFiles[lang]
	if _, err := os.Stat(filepath.Join(abs, filepath.FromSlash(entry))); err != nil {
		return "", "", fmt.Errorf("%s function %s: want %s exporting handler(event) inside: %w", lang, abs, entry, err)
	}
	if hash, err = dirHash(abs); err != nil {
		return "", "", err
	}
	return abs, hash, nil
}
