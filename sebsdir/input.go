package sebsdir

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
)

// InputFile is what the source of a benchmark's input.py says, read without running it. The functions
// are upstream's: generate_input (required), validate_output, buckets_count, allocate_nosql.
type InputFile struct {
	// Path is input.py's absolute path.
	Path string
	// GenerateInput, ValidateOutput, BucketsCount and AllocateNoSQL report whether input.py defines the
	// function (a top-level def).
	GenerateInput, ValidateOutput, BucketsCount, AllocateNoSQL bool
	// Buckets is buckets_count()'s (input, output) when its body is a literal "return (n, m)"; nil when
	// input.py has no buckets_count or its result cannot be read from the source.
	Buckets *[2]int
}

var (
	topLevelDef   = regexp.MustCompile(`(?m)^def\s+(generate_input|validate_output|buckets_count|allocate_nosql)\s*\(`)
	literalBucket = regexp.MustCompile(`(?m)^def\s+buckets_count\s*\(\s*\)\s*(?:->[^:]*)?:\s*\n\s+return\s*\(?\s*(\d+)\s*,\s*(\d+)\s*\)?\s*$`)
)

// readInputFile reads input.py at path.
func readInputFile(path string) (InputFile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return InputFile{}, fmt.Errorf("sebsdir: a benchmark directory needs input.py (generate_input) as upstream's: %w", err)
	}
	in := InputFile{Path: path}
	for _, m := range topLevelDef.FindAllSubmatch(src, -1) {
		switch string(m[1]) {
		case "generate_input":
			in.GenerateInput = true
		case "validate_output":
			in.ValidateOutput = true
		case "buckets_count":
			in.BucketsCount = true
		case "allocate_nosql":
			in.AllocateNoSQL = true
		}
	}
	if !in.GenerateInput {
		return in, fmt.Errorf("sebsdir: %s defines no generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func), which upstream calls for every input", path)
	}
	if m := literalBucket.FindSubmatch(src); m != nil {
		in.Buckets = &[2]int{atoi(m[1]), atoi(m[2])}
	}
	return in, nil
}

// atoi converts a string of digits matched by a regexp; it saturates rather than fail.
func atoi(b []byte) int {
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return int(^uint(0) >> 1)
	}
	return n
}
