package sebstest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// codeDirWith makes a code package holding the given files under function/.
func codeDirWith(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "function"), 0o755))
	for _, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "function", f), nil, 0o644))
	}
	return dir
}

// TestUpstreamRuntime: an upstream image's function takes its language from the code package and its version
// from upstream's tag, and contradictions are refused with what to do.
func TestUpstreamRuntime(t *testing.T) {
	py, js, both, none := codeDirWith(t, "function.py"), codeDirWith(t, "function.js"),
		codeDirWith(t, "function.py", "function.js"), codeDirWith(t, "handler.rb")
	for _, tc := range []struct {
		ref, dir string
		lang     sebs.Language
		version  string
		err      string
	}{
		{"spcleth/serverless-benchmarks:run.local.python.3.11", py, sebs.LanguagePython, "3.11", ""},
		{"spcleth/serverless-benchmarks:run.local.nodejs.20-1.2.0", js, sebs.LanguageNodeJS, "20", ""},
		{"localhost:5000/sebs:run.local.nodejs.16", js, sebs.LanguageNodeJS, "16", ""},
		{"sebs-upstream-standin:0123abcd", js, sebs.LanguageNodeJS, nodeVersion, ""},
		{"sebs-upstream-standin:0123abcd", py, sebs.LanguagePython, pythonVersion, ""},
		{"localhost:5000/standin", js, sebs.LanguageNodeJS, nodeVersion, ""},
		{"x:run.local.nodejs.18", both, sebs.LanguageNodeJS, "18", ""},
		{"x:latest", both, "", "", "does not say which language"},
		{"x:run.local.python.3.11", js, "", "", "pass the image of the code's language"},
		{"x:run.local.nodejs.18", none, "", "", "function/function.js"},
	} {
		lang, version, err := upstreamRuntime(tc.ref, tc.dir)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%s on %s", tc.ref, tc.dir)
			continue
		}
		if assert.NoError(t, err, tc.ref) {
			assert.Equal(t, tc.lang, lang, tc.ref)
			assert.Equal(t, tc.version, version, tc.ref)
		}
	}
}
