package sebs_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// assertGolden writes got in upstream's format (sorted keys, 2-space indent)
// and compares it with testdata/<name>.golden.json: semantically with go-cmp,
// and byte for byte, so the file stays in upstream's exact format. With
// -update it rewrites the file instead.
func assertGolden(t *testing.T, name string, got any) {
	t.Helper()
	gotBytes, err := sebs.MarshalUpstream(got)
	if err != nil {
		t.Fatalf("MarshalUpstream(%s): %v", name, err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, gotBytes, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(decodeGeneric(t, wantBytes), decodeGeneric(t, gotBytes)); diff != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s\nrun go test -run %s -update if the change is intended", path, diff, t.Name())
	}
	if !bytes.Equal(wantBytes, gotBytes) {
		t.Fatalf("%s is semantically equal but not in upstream's format (sorted keys, 2-space indent, trailing newline)", path)
	}
}

// decodeGeneric decodes JSON into generic values, keeping numbers exact.
func decodeGeneric(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", data, err)
	}
	return normalizeNumbers(v)
}

// normalizeNumbers makes 1, 1.0 and 1e0 compare equal, as they are in JSON.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case json.Number:
		f, err := x.Float64()
		if err == nil {
			return f
		}
	}
	return v
}

// semanticJSONEqual compares two JSON documents as values.
func semanticJSONEqual(t *testing.T, want, got []byte) {
	t.Helper()
	if diff := cmp.Diff(decodeGeneric(t, want), decodeGeneric(t, got)); diff != "" {
		t.Fatalf("JSON mismatch (-want +got):\n%s", diff)
	}
}
