package engine_test

import (
	"fmt"

	"github.com/gosebs/sebs/internal/engine"
)

// A local engine (a unix socket, a named pipe, a loopback address) publishes ports this process reaches on
// 127.0.0.1; a remote one is dialled on its own host name.
func ExampleEndpointFor() {
	for _, host := range []string{"unix:///var/run/docker.sock", "tcp://docker.example:2376"} {
		ep := engine.EndpointFor(host)
		fmt.Println(engine.LocalHost(host), ep.BindIP)
	}
	// Output:
	// true 127.0.0.1
	// false 0.0.0.0
}
