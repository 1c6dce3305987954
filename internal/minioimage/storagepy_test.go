package minioimage_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosebs/sebs/fixtures"
)

// storagePyCheck loads fixtures/python/runtime/storage.py without MINIO_ADDRESS and prints what a
// function would see: unique names, and the error of an operation with no storage configured.
const storagePyCheck = `
import importlib.util, os, re, sys
os.environ.pop("MINIO_ADDRESS", None)
spec = importlib.util.spec_from_file_location("storage", sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
a, b = m.storage.unique_name("out/pic.jpg"), m.storage.unique_name("out/pic.jpg")
assert a != b and re.fullmatch(r"out/pic\.[0-9a-f]{8}\.jpg", a), (a, b)
assert m.storage.get_instance() is m.storage.get_instance()
try:
    m.storage.get_instance().download_stream("bench", "in/a.jpg")
except m.StorageError as e:
    print(type(e).__name__, e)
`

// TestStoragePyWithoutStorage: storage.py imports without boto3 being touched when no storage is
// configured (as upstream's does), and each operation then fails naming the object and what is missing.
func TestStoragePyWithoutStorage(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on this host")
	}
	root, err := fixtures.Root()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", storagePyCheck, filepath.Join(root, "python", "runtime", "storage.py")).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	want := "StorageNotConfigured storage: download s3://bench/in/a.jpg: MINIO_ADDRESS is not set"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}
