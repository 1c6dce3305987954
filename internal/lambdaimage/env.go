package lambdaimage

import (
	"fmt"
	"strconv"
)

// Env returns the emulator's environment for a function called name with memoryMB of memory and a
// timeout of timeoutSeconds: AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE (the emulator
// reports it as Memory Size, and the function reads it) and AWS_LAMBDA_FUNCTION_TIMEOUT (the emulator
// ends a call that runs longer, answering "Task timed out after N.00 seconds"). The emulator reads the
// timeout as whole seconds and panics on anything else, so a timeout below 1 s is refused here.
func Env(name string, memoryMB, timeoutSeconds int) ([]string, error) {
	if memoryMB <= 0 {
		return nil, fmt.Errorf("lambda function %s: memory is %d MB; set a positive size (Lambda allows 128 to 10240)", name, memoryMB)
	}
	if timeoutSeconds <= 0 {
		return nil, fmt.Errorf("lambda function %s: timeout is %d s; the emulator needs a whole number of seconds, at least 1", name, timeoutSeconds)
	}
	return []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(memoryMB),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(timeoutSeconds),
	}, nil
}
