package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// repo is the git repository that holds the user's module.
type repo struct {
	top string // the work tree's top directory, symlinks resolved
}

// findRepo locates the git repository around dir, with errors that say how to get one.
func findRepo(ctx context.Context, dir string) (repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return repo{}, fmt.Errorf("git is not on PATH (%w): sebs-gate checks out the base revision with git; "+
			"install git, or benchmark both versions yourself and run `sebs-gate compare base.txt head.txt`", err)
	}
	out, err := gitOutput(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return repo{}, fmt.Errorf("%s is not inside a git repository (%w): run sebs-gate from your module's "+
			"checkout, or compare two result files with `sebs-gate compare base.txt head.txt`", dir, err)
	}
	top, err := filepath.EvalSymlinks(out)
	if err != nil {
		return repo{}, fmt.Errorf("resolve the repository's top directory %s: %w", out, err)
	}
	return repo{top: top}, nil
}

// resolve turns a revision (branch, tag, origin/main, HEAD~1, a hash) into a commit hash.
func (r repo) resolve(ctx context.Context, rev string) (string, error) {
	out, err := gitOutput(ctx, r.top, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("base revision %q not found in %s: fetch it first (for example `git fetch origin main`; "+
			"CI checkouts are often shallow, so fetch with full history, e.g. actions/checkout's fetch-depth: 0) "+
			"or pass -base with a branch, tag or commit that exists", rev, r.top)
	}
	return out, nil
}

// addWorktree checks out commit, detached, in a new directory under parent, and returns the directory
// and a function that removes the work tree again (also from git's list of work trees).
func (r repo) addWorktree(ctx context.Context, parent, commit string) (string, func(), error) {
	dir := filepath.Join(parent, "base")
	// A run killed before its cleanup leaves a work tree entry whose directory is gone: drop those first.
	_, _ = gitOutput(ctx, r.top, "worktree", "prune")
	if _, err := gitOutput(ctx, r.top, "worktree", "add", "--detach", dir, commit); err != nil {
		return "", nil, fmt.Errorf("check out the base revision %s in a temporary work tree %s: %w", commit, dir, err)
	}
	remove := func() {
		// Not ctx: this runs after an interrupt too, when ctx is already cancelled.
		if _, err := gitOutput(context.Background(), r.top, "worktree", "remove", "--force", dir); err != nil {
			_ = os.RemoveAll(dir)
			_, _ = gitOutput(context.Background(), r.top, "worktree", "prune")
		}
	}
	return dir, remove, nil
}

// gitOutput runs git in dir and returns its trimmed standard output; a failure carries git's stderr.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return strings.TrimSpace(string(out)), nil
}
