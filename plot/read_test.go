package plot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// samplesFile writes content to a samples.jsonl in a fresh directory and returns its path.
func samplesFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "samples.jsonl")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadSamples(t *testing.T) {
	in := `{"function":"sleep","mode":"warm","is_cold":false,"client_ns":1000,"begin":"2025-01-02T03:04:05.000000001Z"}

{"function":"sleep","mode":"cold","is_cold":true,"client_ns":2000,"cold_start":{"create_ns":1}}
{"function":"sleep","mode":"warm","error":"timed out"}
`
	got, err := readSamples(samplesFile(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ClientNS != 1000 || got[0].Begin.Nanosecond() != 1 || !got[1].IsCold || !got[2].Failed() ||
		got[1].ColdStart == nil || got[1].ColdStart.Create != 1 {
		t.Errorf("readSamples = %+v", got)
	}
}

func TestReadSamplesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		is             error
	}{
		{"empty", "", "no samples", ErrNoSamples},
		{"blank lines only", "\n\n  \n", "no samples", ErrNoSamples},
		{"corrupt line", `{"function":"a","client_ns":1}` + "\n{\"function\": \n", "line 2: not a sample", nil},
		{"cut off last line", `{"function":"a","client_ns":1}` + "\n" + `{"function":"a","cli`, "line 2", nil},
		{"two values", `{"function":"a","client_ns":1} {}`, "line 1: not a sample: more than one", nil},
		{"no function", `{"client_ns":1}`, "line 1: sample has no \"function\"", nil},
		{"no time", `{"function":"a"}`, "line 1: sample of a has client_ns 0", nil},
		{"wrong type", `{"function":"a","client_ns":"fast"}`, "line 1: not a sample", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readSamples(samplesFile(t, tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("readSamples error = %v, want one containing %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}
