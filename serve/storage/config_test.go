package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvAddress, "minio:9000")
	t.Setenv(EnvAccessKey, "ak")
	t.Setenv(EnvSecretKey, "sk-secret")
	t.Setenv(EnvTimeout, "1.5")
	t.Setenv(EnvAttempts, "2")
	c, err := ConfigFromEnv()
	if err != nil || c.Address != "minio:9000" || c.AccessKey != "ak" || c.SecretKey != "sk-secret" || c.Timeout != 1500*time.Millisecond || c.Attempts != 2 {
		t.Fatalf("ConfigFromEnv = %#v (keys %q %q), %v", c, c.AccessKey, c.SecretKey, err)
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "sk-secret") {
			t.Errorf("formatting the config shows the secret key: %s", s)
		}
	}
	for env, bad := range map[string]string{EnvTimeout: "soon", EnvAttempts: "0"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, bad)
			if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), env) {
				t.Errorf("%s=%s: error %v, want one naming the variable", env, bad, err)
			}
		})
	}
	t.Setenv(EnvAddress, "")
	if _, err := ConfigFromEnv(); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("no address: %v, want ErrNotConfigured", err)
	}
}

func TestUniqueName(t *testing.T) {
	a, b := UniqueName("out/pic.jpg"), UniqueName("out/pic.jpg")
	if a == b || !strings.HasPrefix(a, "out/pic.") || !strings.HasSuffix(a, ".jpg") || len(a) != len("out/pic.12345678.jpg") {
		t.Errorf("UniqueName(out/pic.jpg) = %q, %q; want out/pic.<8 hex>.jpg, different each time", a, b)
	}
	if got := UniqueName("archive"); !strings.HasPrefix(got, "archive.") || len(got) != len("archive.12345678") {
		t.Errorf("UniqueName(archive) = %q", got)
	}
}

func TestErrorText(t *testing.T) {
	err := &Error{Op: "download", Bucket: "b", Key: "k/x", Kind: ErrNoSuchKey, Err: errors.New("The specified key does not exist.")}
	if got := err.Error(); got != "storage: download s3://b/k/x: no such key: The specified key does not exist." {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchBucket) {
		t.Errorf("errors.Is does not tell the cause")
	}
}
