// Command dialer is a test function that tries to open a TCP connection: {"dial": "host:port"} answers
// {"connected": bool, "error": "...", "ms": n}, after at most a second. The egress test runs it with and
// without sebstest.WithoutEgress.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/gosebs/sebs/serve"
)

func main() {
	serve.Main(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var in struct {
			Dial string `json:"dial"`
		}
		if err := json.Unmarshal(raw, &in); err != nil || in.Dial == "" {
			return nil, fmt.Errorf("dialer: send {\"dial\": \"host:port\"} (%v)", err)
		}
		began := time.Now()
		var d net.Dialer
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		c, err := d.DialContext(ctx, "tcp", in.Dial)
		out := map[string]any{"connected": err == nil, "ms": time.Since(began).Milliseconds()}
		if err != nil {
			out["error"] = err.Error()
		} else {
			c.Close()
		}
		return out, nil
	})
}
