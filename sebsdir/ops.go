package sebsdir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// ErrInvalidOutput is matched by a [*ValidationError].
var ErrInvalidOutput = errors.New("output failed the benchmark's validate_output")

// ErrNoValidator: the benchmark's input.py defines no validate_output.
var ErrNoValidator = errors.New("input.py defines no validate_output")

// ValidationError is a validate_output verdict against an output: its message, as the benchmark wrote it.
type ValidationError struct {
	Benchmark string // the benchmark's name
	Message   string // what validate_output returned
}

// Error names the benchmark and gives the validator's message.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("sebsdir: benchmark %s: validate_output: %s", e.Benchmark, e.Message)
}

// Unwrap returns [ErrInvalidOutput].
func (e *ValidationError) Unwrap() error { return ErrInvalidOutput }

// GenerateInput calls the benchmark's generate_input for size as upstream does without storage:
// generate_input(data_dir, size, None, [], [], upload_func, nosql_func), with the stubs failing (an error
// matching [ErrNeedsStorage] or [ErrNeedsNoSQL]) if called ([Session.GenerateStorageInput] gives it
// storage); older 5- and 6-parameter signatures get
// their arguments. It returns the input exactly as Python's json.dumps wrote it (integers of any size
// kept).
func (s *Session) GenerateInput(ctx context.Context, size fixtures.Size) (json.RawMessage, error) {
	if err := checkSize(size); err != nil {
		return nil, err
	}
	var resp struct {
		reply
		Input json.RawMessage `json:"input"`
	}
	err := s.call(ctx, map[string]any{"op": "generate", "size": size}, &resp)
	if err != nil {
		return nil, err
	}
	return resp.Input, nil
}

// checkSize refuses a size upstream does not have.
func checkSize(size fixtures.Size) error {
	switch size {
	case fixtures.SizeTest, fixtures.SizeSmall, fixtures.SizeLarge:
		return nil
	}
	return fmt.Errorf("sebsdir: size %q: upstream's sizes are test, small and large", size)
}

// Validate calls the benchmark's validate_output(data_dir, input, output, language) with input as
// GenerateInput returned it and output the handler's return value (what upstream's cloud wrappers put
// under "result"; in the local protocol, the response's result.output: see
// sebs.ExecutionResult.HandlerOutput). It returns nil when the validator returns None, a
// [*ValidationError] with its message otherwise, an error matching [ErrNoValidator] when input.py has no
// validate_output, and a [*ScriptError] when the validator raises.
func (s *Session) Validate(ctx context.Context, lang sebs.Language, input, output json.RawMessage) error {
	return s.ValidateStored(ctx, lang, input, output, nil)
}

// ValidateStored is [Session.Validate] for a benchmark whose outputs are in object storage: a
// validate_output that takes upstream's fifth parameter, storage, gets an object with upstream's
// download(bucket, key, path) and download_stream(bucket, key), each read made by fetch (the driver has
// no network); with fetch nil it gets None, as Validate gives. Upstream's validators that find their data
// through sebs.utils.get_project_root() are given a root whose benchmarks-data holds the data directory.
func (s *Session) ValidateStored(ctx context.Context, lang sebs.Language, input, output json.RawMessage, fetch Fetch) error {
	if !s.hello.Has["validate_output"] {
		return fmt.Errorf("sebsdir: benchmark %s: %w", s.bench.Name, ErrNoValidator)
	}
	var in, out bytes.Buffer
	if err := json.Compact(&in, input); err != nil {
		return fmt.Errorf("sebsdir: validate %s: the input is not JSON: %w", s.bench.Name, err)
	}
	if err := json.Compact(&out, output); err != nil {
		return fmt.Errorf("sebsdir: validate %s: the output is not JSON: %w", s.bench.Name, err)
	}
	req := map[string]any{"op": "validate", "input": json.RawMessage(in.Bytes()),
		"output": json.RawMessage(out.Bytes()), "language": lang, "storage": fetch != nil}
	var resp struct {
		reply
		Verdict *string `json:"verdict"`
	}
	if err := s.callFetching(ctx, req, &resp, fetch); err != nil {
		return err
	}
	if resp.Verdict != nil {
		return &ValidationError{Benchmark: s.bench.Name, Message: *resp.Verdict}
	}
	return nil
}

// UnmetRequirement is a line of a benchmark's requirements.txt that the runtime image does not satisfy.
type UnmetRequirement struct {
	Line   string `json:"line"`   // the requirement, without comments
	Name   string `json:"name"`   // the distribution name, "" when the line is not a plain requirement
	Reason string `json:"reason"` // why it is not met: not installed, another version, cannot be checked
}

// String is "<line>: <reason>".
func (u UnmetRequirement) String() string { return fmt.Sprintf("%s: %s", u.Line, u.Reason) }

// UnmetRequirements checks the benchmark's Python requirements against the packages installed in the
// runtime image (gosebs installs nothing: no pip, no network). It reads python/requirements.txt.<X.Y> for
// the image's Python version when there is one, else python/requirements.txt, as upstream's installer
// picks; names are looked up with importlib.metadata and version clauses (==, !=, <, <=, >, >=, ~=, ==X.*)
// compared numerically. Nil means every requirement is met (or there is no requirements file).
func (s *Session) UnmetRequirements(ctx context.Context) ([]UnmetRequirement, error) {
	file := s.requirementsFile()
	if file == "" {
		return nil, nil
	}
	var resp struct {
		reply
		Unmet []UnmetRequirement `json:"unmet"`
	}
	if err := s.call(ctx, map[string]any{"op": "requirements", "path": path.Join(benchmarkMount, "python", file)}, &resp); err != nil {
		return nil, err
	}
	return resp.Unmet, nil
}

// requirementsFile is the name, under python/, of the requirements file upstream would install for the
// image's Python version, or "".
func (s *Session) requirementsFile() string {
	v := s.hello.Python
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		v = parts[0] + "." + parts[1]
	}
	for _, name := range []string{"requirements.txt." + v, "requirements.txt"} {
		if _, err := os.Stat(filepath.Join(s.bench.Dir, "python", name)); err == nil {
			return name
		}
	}
	return ""
}
