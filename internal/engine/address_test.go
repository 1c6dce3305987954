package engine

import "testing"

func TestLocalHost(t *testing.T) {
	for host, want := range map[string]bool{
		"unix:///var/run/docker.sock":            true,
		"unix:///home/u/.docker/run/docker.sock": true,
		"npipe:////./pipe/docker_engine":         true,
		"tcp://127.0.0.1:2375":                   true,
		"tcp://localhost:2375":                   true,
		"tcp://[::1]:2376":                       true,
		"https://127.0.0.2:2376":                 true,
		"tcp://10.0.0.5:2376":                    false,
		"tcp://docker.example.com:2376":          false,
		"ssh://user@host":                        false,
		"":                                       false,
		"::not a url":                            false,
	} {
		if got := LocalHost(host); got != want {
			t.Errorf("LocalHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestShortID(t *testing.T) {
	for in, want := range map[string]string{
		"0123456789abcdef":        "0123456789ab",
		"sha256:0123456789abcdef": "0123456789ab",
		"abc":                     "abc",
	} {
		if got := ShortID(in); got != want {
			t.Errorf("ShortID(%q) = %q, want %q", in, got, want)
		}
	}
}
