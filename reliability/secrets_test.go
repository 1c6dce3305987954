package reliability

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// TestNoSecretsInResults gives a function credentials in its environment, as a benchmark that reads
// object storage gets them, then writes everything a run produces: the function's JSON (sebs.Function
// and sebs.LocalFunction, plain and upstream-formatted), its results (sebs.ExecutionResult), and the
// results folder a bench.Recorder writes during bench.Run (samples.jsonl, experiments.json,
// perf-cost/result.csv). No secret value may appear in any of them. The container's environment holds
// them (it must, for the function to use them), which shows the secrets were really in play.
func TestNoSecretsInResults(t *testing.T) {
	cli := testDocker(t)
	secrets := map[string]string{
		"AWS_ACCESS_KEY_ID":     "AKIA" + strings.ToUpper(randomHex(t, 8)),
		"AWS_SECRET_ACCESS_KEY": "aws-secret-" + randomHex(t, 16),
		"MINIO_SECRET_KEY":      "minio-secret-" + randomHex(t, 16),
		"SEBS_API_TOKEN":        "token-" + randomHex(t, 16),
	}
	fn := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo), testcontainers.WithEnv(secrets))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	ins, err := cli.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets {
		if !slices.Contains(ins.Container.Config.Env, k+"="+v) {
			t.Fatalf("the container's environment lacks %s: the test would prove nothing", k)
		}
	}

	var written []artifact
	add := func(name string, b []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		written = append(written, artifact{name, b})
	}
	b, err := json.Marshal(fn.LocalFunction)
	add("LocalFunction JSON", b, err)
	b, err = sebs.MarshalUpstream(fn.LocalFunction)
	add("LocalFunction upstream JSON", b, err)
	b, err = json.Marshal(fn.LocalFunction.Function)
	add("Function JSON", b, err)
	res, err := fn.Invoke(ctx, map[string]any{"sleep": 0})
	if err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(res)
	add("ExecutionResult JSON", b, err)
	b, err = sebs.MarshalUpstream(res)
	add("ExecutionResult upstream JSON", b, err)

	dir := t.TempDir()
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec.KeepOutputs = true
	br := testing.Benchmark(func(b *testing.B) {
		bench.Run(b, []*sebstest.Function{fn}, bench.Spec{
			Payload: map[string]any{"sleep": 0}, Benchmark: "sleep", Language: "go", Size: "test", Recorder: rec,
		})
	})
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if br.N == 0 {
		t.Fatal("the benchmark made no call")
	}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files++
		add("results file "+strings.TrimPrefix(path, dir), b, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Errorf("the recorder wrote %d files, want samples.jsonl, experiments.json and perf-cost/result.csv", files)
	}

	for _, a := range written {
		for k, v := range secrets {
			if strings.Contains(string(a.data), v) {
				t.Errorf("%s holds the value of %s", a.name, k)
			}
		}
	}
}

// artifact is something a run writes, by name.
type artifact struct {
	name string
	data []byte
}

// randomHex returns n random bytes in hex: secret values no file could hold by chance.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
