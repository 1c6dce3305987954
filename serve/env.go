package serve

import (
	"fmt"
	"os"
	"strconv"
)

// Environment variables read by [Main], [EnvAddr] and [EnvOptions].
const (
	// EnvPort names the TCP port to listen on; the default is DefaultPort.
	EnvPort = "PORT"
	// EnvMaxBodyBytes names the request body limit in bytes; the default is DefaultMaxBodyBytes.
	EnvMaxBodyBytes = "SEBS_MAX_BODY_BYTES"
)

// DefaultPort is the port the protocol uses when PORT is not set.
const DefaultPort = 9000

// EnvAddr returns the listen address from PORT: ":<port>" on all interfaces, ":9000" if PORT is unset.
func EnvAddr() (string, error) {
	v, ok := os.LookupEnv(EnvPort)
	if !ok || v == "" {
		return ":" + strconv.Itoa(DefaultPort), nil
	}
	p, err := strconv.Atoi(v)
	if err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("serve: %s=%q is not a port number; set it to 1..65535 or unset it for %d",
			EnvPort, v, DefaultPort)
	}
	return ":" + strconv.Itoa(p), nil
}

// EnvOptions returns the Server options the environment asks for (SEBS_MAX_BODY_BYTES).
func EnvOptions() ([]Option, error) {
	var opts []Option
	if v, ok := os.LookupEnv(EnvMaxBodyBytes); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("serve: %s=%q is not a positive number of bytes; fix it or unset it for %d",
				EnvMaxBodyBytes, v, DefaultMaxBodyBytes)
		}
		opts = append(opts, WithMaxBodyBytes(n))
	}
	return opts, nil
}
