// Command lambda-stubborn is an AWS Lambda function (aws-lambda-go) that ignores its invocation's deadline:
// it sleeps the event's "seconds" whatever the context says, so only the platform's timeout ends a long
// call. (A handler that honours its context returns its own error at the deadline, racing the emulator's
// timeout answer.)
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// Event says how long to sleep.
type Event struct {
	Seconds float64 `json:"seconds"`
}

func handle(_ context.Context, ev Event) (map[string]float64, error) {
	time.Sleep(time.Duration(ev.Seconds * float64(time.Second)))
	return map[string]float64{"slept": ev.Seconds}, nil
}

func main() { lambda.Start(handle) }
