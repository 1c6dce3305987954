package sebsdir_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
)

// open starts a session for the benchmark directory dir, closed when the test ends.
func open(t testing.TB, dir string) *sebsdir.Session {
	t.Helper()
	img := pythonImage(t)
	s, err := sebsdir.Open(t.Context(), parse(t, dir), sebsdir.Options{Image: img})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func generate(t testing.TB, s *sebsdir.Session, size fixtures.Size) json.RawMessage {
	t.Helper()
	in, err := s.GenerateInput(t.Context(), size)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestGenerateInputEverySize(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want map[fixtures.Size]string
	}{
		{"901.seeded-walk", map[fixtures.Size]string{
			"test": `{"steps":10,"seed":42}`, "small": `{"steps":1000,"seed":42}`, "large": `{"steps":100000,"seed":42}`}},
		{"902.echo", map[fixtures.Size]string{
			"test":  `{"message":"echo","repeat":1,"id":9007199254740993}`,
			"small": `{"message":"echo","repeat":100,"id":9007199254740993}`,
			"large": `{"message":"echo","repeat":10000,"id":9007199254740993}`}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			s := open(t, filepath.Join(ours, tc.dir))
			if !strings.HasPrefix(s.Python(), "3.") {
				t.Errorf("Python() = %q", s.Python())
			}
			if len(s.Needs()) != 0 {
				t.Errorf("Needs() = %v, want none", s.Needs())
			}
			for _, size := range fixtures.Sizes {
				if got := string(generate(t, s, size)); got != tc.want[size] {
					t.Errorf("%s: input %s, want %s (byte for byte: integers above 2^53 stay exact)", size, got, tc.want[size])
				}
			}
			if _, err := s.GenerateInput(t.Context(), "medium"); err == nil || !strings.Contains(err.Error(), "test, small and large") {
				t.Errorf("size medium: %v, want a refusal naming upstream's sizes", err)
			}
		})
	}
}

func TestValidatePassAndFail(t *testing.T) {
	walk := open(t, filepath.Join(ours, "901.seeded-walk"))
	in := generate(t, walk, fixtures.SizeTest)
	good := `{"result": {"final": 2, "highest": 2, "md5": "6d871528dfaf0bcf8a4c2d54ad07d2ca"}, "measurement": {"compute_time": 3.5}}`
	if err := walk.Validate(t.Context(), sebs.LanguagePython, in, json.RawMessage(good)); err != nil {
		t.Errorf("the expected walk: %v, want it to pass", err)
	}
	bad := `{"result": {"final": 0, "highest": 4, "md5": "00"}}`
	err := walk.Validate(t.Context(), sebs.LanguagePython, in, json.RawMessage(bad))
	var verr *sebsdir.ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, sebsdir.ErrInvalidOutput) || !strings.Contains(verr.Message, "the seed was ignored") {
		t.Errorf("another walk: %v, want a ValidationError with the validator's message", err)
	}

	echo := open(t, filepath.Join(ours, "902.echo"))
	in = generate(t, echo, fixtures.SizeSmall)
	text := strings.Repeat("echo", 100) + "!"
	for output, want := range map[string]string{
		`{"result": {"text": "` + text + `", "id": 9007199254740993}}`: "",
		`{"result": {"text": "` + text + `", "id": 9007199254740992}}`: "id 9007199254740993 came back as 9007199254740992",
		`{"result": "echo"}`: "result is not an object (type=str)",
	} {
		err := echo.Validate(t.Context(), sebs.LanguagePython, in, json.RawMessage(output))
		switch {
		case want == "" && err != nil:
			t.Errorf("%.60s…: %v, want a pass", output, err)
		case want != "" && (!errors.As(err, &verr) || verr.Message != want):
			t.Errorf("%.60s…: %v, want the verdict %q", output, err, want)
		}
	}
	if err := echo.Validate(t.Context(), sebs.LanguagePython, in, json.RawMessage(`{"result":`)); err == nil {
		t.Error("an output that is not JSON passed")
	}
}

func TestStorageAndNoSQLAreRefusedWithTheReason(t *testing.T) {
	for dir, want := range map[string]error{"903.bucket-upload": sebsdir.ErrNeedsStorage, "904.nosql-cart": sebsdir.ErrNeedsNoSQL} {
		t.Run(dir, func(t *testing.T) {
			s := open(t, filepath.Join(ours, dir))
			if n := s.Needs(); len(n) != 1 || !errors.Is(n[0].Err(dir), want) {
				t.Errorf("Needs() = %+v, want one matching %v", n, want)
			}
			_, err := s.GenerateInput(t.Context(), fixtures.SizeTest)
			var serr *sebsdir.ScriptError
			if !errors.Is(err, want) || !errors.As(err, &serr) || !strings.Contains(err.Error(), "needs") {
				t.Errorf("GenerateInput: %v, want an error matching %v that says why", err, want)
			}
		})
	}
}

func TestInputPyFailuresAreReported(t *testing.T) {
	s := open(t, filepath.Join("testdata", "unmet-requirements"))
	in := generate(t, s, fixtures.SizeTest)
	if string(in) != `{"size":"test","data_dir":null}` {
		t.Errorf("input %s: prints of input.py must not reach the reply", in)
	}
	_, err := s.GenerateInput(t.Context(), fixtures.SizeLarge)
	var serr *sebsdir.ScriptError
	if !errors.As(err, &serr) || serr.Type != "ValueError" || serr.Message != "no large input" || serr.During != "generate_input" ||
		!strings.Contains(serr.Stack, "input.py") {
		t.Errorf("generate_input raising: %#v, want its ValueError with a traceback", err)
	}
	err = s.Validate(t.Context(), sebs.LanguagePython, in, json.RawMessage(`{}`))
	if !errors.As(err, &serr) || serr.Type != "KeyError" || serr.During != "validate_output" {
		t.Errorf("validate_output raising: %v, want its KeyError", err)
	}
	if again := generate(t, s, fixtures.SizeSmall); !strings.Contains(string(again), `"small"`) {
		t.Errorf("the session after exceptions answered %s", again)
	}

	unmet, err := s.UnmetRequirements(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range unmet {
		names = append(names, u.Name+": "+u.Reason)
	}
	want := []string{
		"jinja2: the image has jinja2 3.1.2, which does not satisfy <2",
		"gosebs-no-such-package: not installed in the image",
		": not a plain requirement (option, URL or path): cannot be checked against the image",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("UnmetRequirements (-want +got):\n%s", diff)
	}
	echo := open(t, filepath.Join(ours, "902.echo"))
	if unmet, err := echo.UnmetRequirements(t.Context()); err != nil || len(unmet) != 0 {
		t.Errorf("902's jinja2>=2.10: unmet %v, %v; want met by the image", unmet, err)
	}

	_, err = sebsdir.Open(t.Context(), parse(t, filepath.Join("testdata", "import-fails")), sebsdir.Options{Image: pythonImage(t)})
	if !errors.As(err, &serr) || serr.Type != "ModuleNotFoundError" || serr.During != "loading input.py" {
		t.Errorf("Open with an input.py that cannot be imported: %v, want its ModuleNotFoundError", err)
	}
}

func TestOlderSignatureAndNoValidator(t *testing.T) {
	s := open(t, filepath.Join("testdata", "old-signature"))
	if got := string(generate(t, s, fixtures.SizeTest)); got != `{"size":"test","buckets":[[],[]]}` {
		t.Errorf("5-parameter generate_input: %s", got)
	}
	if err := s.Validate(t.Context(), sebs.LanguagePython, json.RawMessage(`{}`), json.RawMessage(`{}`)); !errors.Is(err, sebsdir.ErrNoValidator) {
		t.Errorf("Validate without validate_output: %v, want ErrNoValidator", err)
	}
}

func TestSessionContainerIsConfinedAndRemoved(t *testing.T) {
	img := pythonImage(t)
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	labels := map[string]string{"dev.gosebs.managed": "true", "dev.gosebs.test.scope": t.Name()}
	s, err := sebsdir.Open(t.Context(), parse(t, filepath.Join(ours, "902.echo")), sebsdir.Options{Image: img, Client: cli, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := cli.ContainerList(t.Context(), client.ContainerListOptions{Filters: make(client.Filters).Add("label", "dev.gosebs.test.scope="+t.Name())})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("%d containers with the test's label, want 1", len(list.Items))
	}
	id := list.Items[0].ID
	info, err := cli.ContainerInspect(t.Context(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hc := info.Container.HostConfig
	if hc.NetworkMode != "none" || !hc.ReadonlyRootfs || len(hc.PortBindings) != 0 || !slicesEqual(hc.CapDrop, []string{"ALL"}) {
		t.Errorf("host config network %q read-only root %v ports %v cap-drop %v: want none, true, none, ALL",
			hc.NetworkMode, hc.ReadonlyRootfs, hc.PortBindings, hc.CapDrop)
	}
	for _, m := range info.Container.Mounts {
		if m.RW {
			t.Errorf("mount %s -> %s is writable", m.Source, m.Destination)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("container %.12s still exists after Close", id)
	}
	if _, err := s.GenerateInput(t.Context(), fixtures.SizeTest); err == nil {
		t.Error("GenerateInput after Close succeeded")
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

// copyTree copies the regular files under src to dst (directories 0700, files 0600: private).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPrivateDirectoryAndDataDir(t *testing.T) {
	img := pythonImage(t)
	dir := filepath.Join(t.TempDir(), "private")
	copyTree(t, filepath.Join("testdata", "unmet-requirements"), dir)
	data := t.TempDir()
	s, err := sebsdir.Open(t.Context(), parse(t, dir), sebsdir.Options{Image: img, DataDir: data})
	if err != nil {
		t.Fatalf("a benchmark directory of mode 0700: %v", err)
	}
	defer s.Close()
	if got := string(generate(t, s, fixtures.SizeTest)); got != `{"size":"test","data_dir":"/benchmarks-data"}` {
		t.Errorf("input %s: want data_dir the mounted data directory", got)
	}
}

func TestDriverDeathAndCancellationBreakTheSession(t *testing.T) {
	dir := filepath.Join("testdata", "dies")
	s := open(t, dir)
	_, err := s.GenerateInput(t.Context(), fixtures.SizeTest)
	if err == nil || !strings.Contains(err.Error(), "no reply from the driver") || !strings.Contains(err.Error(), "dying now") {
		t.Errorf("a driver that exits mid-call: %v, want no reply and its stderr", err)
	}
	if _, again := s.GenerateInput(t.Context(), fixtures.SizeSmall); again == nil {
		t.Error("a broken session answered")
	}

	s = open(t, dir)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err = s.GenerateInput(ctx, fixtures.SizeSmall)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(begin) > 10*time.Second {
		t.Errorf("a call past its context's deadline: %v after %v, want DeadlineExceeded promptly", err, time.Since(begin))
	}
}
