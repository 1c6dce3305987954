package sebstest

import "strings"

// reaperHint explains a failure to start testcontainers-go's reaper (Ryuk), whose image must be pulled from a
// registry: where none is reachable, every container start fails with it. It returns "" for other errors.
func reaperHint(err error) string {
	if err == nil || !strings.Contains(err.Error(), "reaper") {
		return ""
	}
	return "\n(testcontainers' reaper, Ryuk, could not start, most often because its image cannot be pulled. Set " +
		"TESTCONTAINERS_RYUK_DISABLED=true, as the Makefile does: sebstest's labels and sweep remove " +
		"what a killed test run leaves behind, without Ryuk)"
}
