package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gosebs/sebs/serve"
)

// greet is a function: a JSON event in, a JSON-encodable value out.
func greet(_ context.Context, event json.RawMessage) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(event, &in); err != nil {
		return nil, fmt.Errorf("greet: event is not {\"name\": string}: %w", err)
	}
	return map[string]string{"result": "hello " + in.Name}, nil
}

// A Server is an http.Handler; in a container, serve.Main(greet) does the listening.
func Example() {
	ts := httptest.NewServer(serve.NewServer(greet))
	defer ts.Close()

	resp, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"name": "world"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var answer struct {
		IsCold bool `json:"is_cold"`
		Result struct {
			Output map[string]string `json:"output"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, answer.IsCold, answer.Result.Output["result"])

	resp, err = http.Post(ts.URL, "application/json", strings.NewReader(`[1, 2]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `"error":"greet: event is not`))
	// Output:
	// 200 true hello world
	// 500 true
}
