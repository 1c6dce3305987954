// Command hello is the function the netnsengine test runs on the engine: it answers every request on
// :8080 with "hello from <host name>", so the test can tell which container answered.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	host, _ := os.Hostname()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", host)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
