package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs/internal/owner"
)

// ownerDead reports whether the resource's owner labels name a process of this host that no longer
// runs: no /proc entry, a zombie, or a PID now used by a process with another start identity. This is
// an independent reading of the rule sweep.Dead applies, so the tests do not trust the code they
// check. Resources of other hosts, or without owner labels, are never "dead" here.
func ownerDead(labels map[string]string) bool {
	host, _ := os.Hostname()
	pid, start := labels[owner.LabelOwnerPID], labels[owner.LabelOwnerStart]
	if labels[owner.LabelOwnerHost] != host || pid == "" || !strings.HasPrefix(start, "linux:") {
		return false
	}
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 || f[0] == "Z" {
		return true
	}
	return !strings.HasSuffix(start, ":"+f[19])
}

// deadLeftovers lists the containers, networks and untagged (dangling) images of one test scope whose
// owner is dead: what a sweep of that scope must have removed.
func deadLeftovers(ctx context.Context, cli *testcontainers.DockerClient, scope string) ([]string, error) {
	var left []string
	f := client.Filters{}.Add("label", owner.LabelManaged+"=true", owner.LabelTestScope+"="+scope)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range cs.Items {
		if ownerDead(c.Labels) {
			left = append(left, "container "+c.ID[:12]+" of pid "+c.Labels[owner.LabelOwnerPID])
		}
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range ns.Items {
		if ownerDead(n.Labels) {
			left = append(left, "network "+n.Name+" of pid "+n.Labels[owner.LabelOwnerPID])
		}
	}
	is, err := cli.ImageList(ctx, client.ImageListOptions{Filters: f.Clone().Add("dangling", "true")})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	for _, im := range is.Items {
		if ownerDead(im.Labels) {
			left = append(left, "dangling image "+im.ID+" of pid "+im.Labels[owner.LabelOwnerPID])
		}
	}
	return left, nil
}
