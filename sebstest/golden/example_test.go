package golden_test

import (
	"fmt"
	"strings"

	"github.com/gosebs/sebs/sebstest/golden"
)

// JSON shows what Result and Output store: volatile fields become placeholders of the same type, the rest stays.
// In a test, golden.Result(t, "sleep-go", res) compares res with testdata/sleep-go.golden.
func ExampleJSON() {
	response := map[string]any{
		"request_id": "9b1d3c4e", "begin": "1735787045.100000", "is_cold": true, "handler_ns": 1234000,
		"result": map[string]any{"output": map[string]any{"result": "<p>7 items</p>"}},
	}
	out, err := golden.JSON(response,
		golden.At("result.output.result", func(v any) any { return strings.ReplaceAll(v.(string), "7", "#") }))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// {
	//   "begin": "<begin>",
	//   "handler_ns": 0,
	//   "is_cold": true,
	//   "request_id": "<request_id>",
	//   "result": {
	//     "output": {
	//       "result": "<p># items</p>"
	//     }
	//   }
	// }
}
