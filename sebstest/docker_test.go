package sebstest

import "testing"

func TestLocalEngine(t *testing.T) {
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
		if got := LocalEngine(host); got != want {
			t.Errorf("LocalEngine(%q) = %v, want %v", host, got, want)
		}
	}
}
