package owner_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/gosebs/sebs/internal/owner"
)

// Every container, network and image we create carries these labels; the owner labels name this process
// for good (its PID, its start identity, its host).
func ExampleLabels() {
	for _, k := range slices.Sorted(maps.Keys(owner.Labels())) {
		if k != owner.LabelTestScope {
			fmt.Println(k)
		}
	}
	// Output:
	// dev.gosebs.managed
	// dev.gosebs.owner.host
	// dev.gosebs.owner.pid
	// dev.gosebs.owner.start
}
