package sebstest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebsdir"
)

// upstreamDirs is where our benchmark directories in upstream's layout live.
const upstreamDirs = "../fixtures/upstream"

// TestBenchmarkDirRefuses: benchmarks that need services gosebs lacks, or code it cannot lay out, are
// refused before anything starts, with the reason.
func TestBenchmarkDirRefuses(t *testing.T) {
	RequireDocker(t)
	cases := []struct {
		dir    string
		lang   sebs.Language
		want   error
		reason string
	}{
		{"903.bucket-upload", sebs.LanguagePython, sebsdir.ErrNeedsStorage, "buckets_count() returns (1, 1)"},
		{"904.nosql-cart", sebs.LanguagePython, sebsdir.ErrNeedsNoSQL, `modules lists "nosql"`},
		{"902.echo", sebs.LanguageNodeJS, sebsdir.ErrNoCode, "nodejs"},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			fn, err := Start(t.Context(), BenchmarkDir(filepath.Join(upstreamDirs, tc.dir), tc.lang))
			if fn != nil {
				_ = fn.Stop(t.Context())
			}
			require.ErrorIs(t, err, tc.want)
			assert.ErrorContains(t, err, tc.reason)
			assert.ErrorContains(t, err, tc.dir)
		})
	}
}

// TestBenchmarkDirStarts runs 902.echo from its directory: named after it, config.json's timeout and
// memory as defaults that options override, the package its init.sh completed, removed on Stop.
func TestBenchmarkDirStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python image (built on first use, minutes); not in -short")
	}
	src := BenchmarkDir(filepath.Join(upstreamDirs, "902.echo"), sebs.LanguagePython)

	fn := New(t, src)
	assert.Equal(t, "902.echo", fn.Name)
	assert.Equal(t, "902.echo", fn.Benchmark)
	assert.Equal(t, 30, fn.Config.Timeout)
	assert.Equal(t, 128, fn.Config.Memory)
	assert.Equal(t, sebs.LanguagePython, fn.Config.Runtime.Language)
	pkg := fn.spec.codeDir
	assert.FileExists(t, filepath.Join(pkg, "function", "function.py"))
	assert.FileExists(t, filepath.Join(pkg, "function", "suffix.txt"), "python/init.sh's copy is in the package")

	res, err := fn.Invoke(t.Context(), map[string]any{"message": "hi", "repeat": 2, "id": 9007199254740993})
	require.NoError(t, err)
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "9007199254740993")

	require.NoError(t, fn.Stop(t.Context()))
	assert.NoDirExists(t, pkg, "Stop removes the laid-out package")

	custom := New(t, src, WithName("echo"), WithBenchmark("mine"),
		WithConfig(sebs.FunctionConfig{Timeout: 5, Memory: 256}))
	assert.Equal(t, "echo", custom.Name)
	assert.Equal(t, "mine", custom.Benchmark)
	assert.Equal(t, 5, custom.Config.Timeout)
	assert.Equal(t, 256, custom.Config.Memory)
}

// TestBenchmarkDirLogsUnmetRequirements: a requirement the image does not meet is written to the progress
// writer, once per source, and the function still starts; a failed start removes its package.
func TestBenchmarkDirLogsUnmetRequirements(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python image (built on first use, minutes); not in -short")
	}
	dir := filepath.Join(t.TempDir(), "990.unmet")
	writeFiles(t, dir, map[string]string{
		"config.json":             `{"timeout": 10, "memory": 128, "languages": ["python"], "modules": []}`,
		"input.py":                "def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func):\n    return {}\n",
		"python/function.py":      "def handler(event):\n    return {'result': 1}\n",
		"python/requirements.txt": "surely-not-installed-gosebs==1.0\n",
	})
	var log syncBuffer
	src := BenchmarkDir(dir, sebs.LanguagePython)
	fn := New(t, src, WithProgress(&log))
	_, err := fn.Invoke(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(log.String(), `requirement "surely-not-installed-gosebs==1.0" is not met`), log.String())

	_ = New(t, src, WithProgress(&log))
	assert.Equal(t, 1, strings.Count(log.String(), "surely-not-installed-gosebs"), "checked once per source:\n%s", log.String())

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where Layout makes the package
	_, err = Start(t.Context(), src, WithReadyTimeout(1), WithProgress(&log))
	require.ErrorIs(t, err, ErrNotReady)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "a failed start removes the package it laid out")
}

// writeFiles writes files (relative path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of progress lines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
