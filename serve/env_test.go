package serve

import (
	"context"
	"encoding/json"
	"testing"
)

func TestEnvAddr(t *testing.T) {
	for _, c := range []struct{ env, want string }{{"", ":9000"}, {"8080", ":8080"}} {
		t.Setenv(EnvPort, c.env)
		if got, err := EnvAddr(); err != nil || got != c.want {
			t.Errorf("PORT=%q: EnvAddr() = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	for _, bad := range []string{"x", "0", "70000", "-5"} {
		t.Setenv(EnvPort, bad)
		if _, err := EnvAddr(); err == nil {
			t.Errorf("PORT=%q: EnvAddr() accepted it", bad)
		}
	}
}

func TestEnvOptions(t *testing.T) {
	h := func(context.Context, json.RawMessage) (any, error) { return nil, nil }
	t.Setenv(EnvMaxBodyBytes, "")
	opts, err := EnvOptions()
	if err != nil || NewServer(h, opts...).MaxBodyBytes() != DefaultMaxBodyBytes {
		t.Fatalf("unset: EnvOptions() = %v, %v; want the default limit", opts, err)
	}
	t.Setenv(EnvMaxBodyBytes, "1234")
	opts, err = EnvOptions()
	if err != nil || NewServer(h, opts...).MaxBodyBytes() != 1234 {
		t.Fatalf("1234: EnvOptions() = %v, %v; want a 1234-byte limit", opts, err)
	}
	for _, bad := range []string{"lots", "0", "-1", "1e6"} {
		t.Setenv(EnvMaxBodyBytes, bad)
		if _, err := EnvOptions(); err == nil {
			t.Errorf("%s=%q accepted", EnvMaxBodyBytes, bad)
		}
	}
}
