package minioimage

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gosebs/sebs/internal/files"
)

// BinaryOptions says which server to build, for which platform, and where to keep it.
type BinaryOptions struct {
	Version  string    // default Version
	CacheDir string    // default <user cache dir>/gosebs/minio
	GOARCH   string    // the engine's architecture; default the host's
	Progress io.Writer // progress lines; default io.Discard
}

// progressEvery is how often a running build says it still runs.
const progressEvery = 20 * time.Second

// Binary returns the path of the MinIO server binary (linux, static), building it on first use:
// `go install github.com/minio/minio@<version>` with CGO_ENABLED=0 into <cache>/<version>/<goarch>/minio.
// The first build downloads about 300 modules and compiles for several minutes on two cores; it writes a
// line to Progress when it starts, every 20 s while it runs, and when it ends, with the elapsed time.
// Processes that need it at once build it once: the others wait for the first (a file lock beside the
// cache directory) and say so every 20 s; the build goes into a directory of its own, renamed into place.
func Binary(ctx context.Context, opts BinaryOptions) (string, error) {
	version, arch := opts.Version, opts.GOARCH
	if version == "" {
		version = Version
	}
	if arch == "" {
		arch = runtime.GOARCH
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	cache, err := cacheDir(opts.CacheDir)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, version, "linux_"+arch)
	bin := filepath.Join(dir, "minio")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if runtime.GOOS != "linux" || arch != runtime.GOARCH {
		return "", fmt.Errorf("minio: build %s for linux/%s: cross-compiling is not supported here; build on a linux/%s host", version, arch, arch)
	}
	// One build per machine: a second process (go test runs packages at once) waits for the first's binary
	// instead of building it again beside it, which on two cores made each build take several times longer.
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("minio: make the cache directory: %w", err)
	}
	lock := filepath.Join(cache, version+"-linux_"+arch+".lock")
	unlock, err := files.LockContext(ctx, lock, progressEvery, func(waited time.Duration) {
		fmt.Fprintf(progress, "minio: waiting for another process's build of %s@%s (%s so far)\n", Module, version, waited.Round(time.Second))
	})
	if err != nil {
		return "", fmt.Errorf("minio: wait for another build of the server: %w", err)
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // built by the process that held the lock
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("minio: the go command is needed to build the server (%s@%s): %w", Module, version, err)
	}
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	tmp := dir + ".tmp-" + hex.EncodeToString(suffix[:])
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", fmt.Errorf("minio: make the build directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	began := time.Now()
	fmt.Fprintf(progress, "minio: building %s@%s for linux/%s into %s (once per machine; minutes on two cores)\n", Module, version, arch, dir)
	cmd := exec.CommandContext(ctx, goCmd, "install", "-ldflags=-s -w", Module+"@"+version)
	cmd.Dir = tmp // outside any module: go install pkg@version ignores ours anyway
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch,
		"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOWORK=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", fmt.Errorf("minio: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("minio: start go install: %w", err)
	}
	tail, downloads := followBuild(stderr)
	done := make(chan struct{})
	go tick(progress, began, downloads, done)
	err = cmd.Wait()
	close(done)
	if err != nil {
		return "", fmt.Errorf("minio: go install %s@%s failed after %s: %w; its last lines:\n%s", Module, version,
			time.Since(began).Round(time.Second), err, strings.Join(tail(), "\n"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("minio: make the cache directory: %w", err)
	}
	// A rename within one file system is atomic: a concurrent reader sees no binary or a whole one.
	if err := os.Rename(filepath.Join(tmp, "minio"), bin); err != nil {
		return "", fmt.Errorf("minio: put the binary in place (did go install write %s?): %w", filepath.Join(tmp, "minio"), err)
	}
	fmt.Fprintf(progress, "minio: built %s in %s (%.0f MB)\n", bin, time.Since(began).Round(time.Second), fileMB(bin))
	return bin, nil
}

// cacheDir returns dir, or <user cache dir>/gosebs/minio.
func cacheDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("minio: no cache directory (set HOME or XDG_CACHE_HOME, or pass CacheDir): %w", err)
	}
	return filepath.Join(base, "gosebs", "minio"), nil
}

// followBuild reads go's stderr to its end in the background: it counts "go: downloading" lines and keeps
// the last 20 other lines for an error message.
func followBuild(r io.Reader) (tail func() []string, downloads *atomic.Int64) {
	downloads = new(atomic.Int64)
	var last atomic.Pointer[[]string]
	last.Store(&[]string{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sc := bufio.NewScanner(r)
		var lines []string
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "go: downloading ") {
				downloads.Add(1)
				continue
			}
			lines = append(lines, line)
			if len(lines) > 20 {
				lines = lines[len(lines)-20:]
			}
			cp := append([]string(nil), lines...)
			last.Store(&cp)
		}
	}()
	return func() []string { <-finished; return *last.Load() }, downloads
}

// tick writes a line every progressEvery until done is closed.
func tick(w io.Writer, began time.Time, downloads *atomic.Int64, done <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			fmt.Fprintf(w, "minio: still building (%s, %d modules downloaded)\n", time.Since(began).Round(time.Second), downloads.Load())
		}
	}
}

// fileMB is a file's size in MB, or 0.
func fileMB(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(fi.Size()) / 1e6
}
