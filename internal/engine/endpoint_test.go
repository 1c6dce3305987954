package engine

import "testing"

func TestEndpointFor(t *testing.T) {
	cases := []struct {
		name, daemon, override, publish string
		wantHost, wantBind              string
	}{
		{"local socket", "unix:///var/run/docker.sock", "", "", "127.0.0.1", "127.0.0.1"},
		{"local socket, override", "unix:///var/run/docker.sock", "10.1.2.3", "", "10.1.2.3", "127.0.0.1"},
		{"npipe", "npipe:////./pipe/docker_engine", "", "", "127.0.0.1", "127.0.0.1"},
		{"remote tcp", "tcp://docker.example:2376", "", "", "docker.example", "0.0.0.0"},
		{"loopback tcp", "tcp://127.0.0.1:2375", "", "", "127.0.0.1", "127.0.0.1"},
		{"remote tcp, publish override", "tcp://docker.example:2376", "", "192.0.2.7", "docker.example", "192.0.2.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TESTCONTAINERS_HOST_OVERRIDE", c.override)
			t.Setenv("SEBS_PUBLISH_IP", c.publish)
			ep := EndpointFor(c.daemon)
			if ep.Host != c.wantHost || ep.BindIP.String() != c.wantBind {
				t.Errorf("EndpointFor(%q) = host %s bind %s, want host %s bind %s",
					c.daemon, ep.Host, ep.BindIP, c.wantHost, c.wantBind)
			}
		})
	}
}
