package minioimage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"

	"github.com/moby/moby/client"
)

// NewNetwork creates a bridge network of its own for a storage server and the functions that use it,
// named "sebs-storage-<8 hex>" and carrying labels (the caller's owner labels) and kind "storage". It
// returns the name and a function that removes the network; remove the containers on it first.
func NewNetwork(ctx context.Context, cli *client.Client, labels map[string]string) (name string, remove func(context.Context) error, err error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name = "sebs-storage-" + hex.EncodeToString(b[:])
	l := maps.Clone(labels)
	if l == nil {
		l = map[string]string{}
	}
	l[labelKind] = kindStorage
	res, err := cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: l})
	if err != nil {
		return "", nil, fmt.Errorf("minio: create the network %s: %w", name, err)
	}
	remove = func(ctx context.Context) error {
		if _, err := cli.NetworkRemove(ctx, res.ID, client.NetworkRemoveOptions{}); err != nil {
			return fmt.Errorf("minio: remove the network %s: %w", name, err)
		}
		return nil
	}
	return name, remove, nil
}
