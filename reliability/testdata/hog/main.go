// Command hog is a test function that allocates 256 MiB, writing every page, before it starts serving:
// under a smaller memory limit the kernel kills it before it ever answers.
package main

import (
	"context"
	"encoding/json"
	"runtime"

	"github.com/gosebs/sebs/serve"
)

func main() {
	buf := make([]byte, 256<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	serve.Main(func(context.Context, json.RawMessage) (any, error) {
		runtime.KeepAlive(buf)
		return map[string]any{"result": "hog"}, nil
	})
}
