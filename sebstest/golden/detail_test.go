package golden

import (
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

// TestDetailMachineKeysDropped: where a result's times came from and how its container was reached
// depend on the machine, so the golden form of a result leaves them out; elsewhere the same keys stay.
func TestDetailMachineKeysDropped(t *testing.T) {
	res := &sebs.ExecutionResult{RequestID: "r", Detail: &sebs.Detail{
		ContainerID: "0123456789ab", TimestampSource: "kernel", FirstByteUserNS: 5, StartupUserNS: 3, Address: "bridge",
	}}
	got, err := JSON(map[string]any{"result": res, "output": map[string]any{"address": "kept"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{`"timestamp_source"`, `"first_byte_user_ns"`, `"startup_user_ns"`, `"address": "bridge"`} {
		if strings.Contains(string(got), gone) {
			t.Errorf("%s kept in the detail:\n%s", gone, got)
		}
	}
	if !strings.Contains(string(got), `"address": "kept"`) {
		t.Errorf("an \"address\" outside a detail was dropped:\n%s", got)
	}
	kept, err := JSON(res, Keep("timestamp_source"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(kept), `"timestamp_source": "kernel"`) {
		t.Errorf("Keep(\"timestamp_source\") did not keep it:\n%s", kept)
	}
}
