package minioimage

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/containerd/errdefs"
	"github.com/gosebs/sebs/serve/storage"
	"github.com/moby/moby/client"
)

// Server is a running MinIO container. Its String and GoString never show the credentials.
type Server struct {
	cli      *client.Client
	id       string
	name     string
	endpoint string // 127.0.0.1:port
	creds    credentials
	// Startup is how long Run took from creating the container to the first 200 of the health check.
	Startup time.Duration
}

// ContainerID returns the server container's ID.
func (s *Server) ContainerID() string { return s.id }

// Address returns host:port of the server on its Docker network, as functions on it reach it.
func (s *Server) Address() string { return s.name + ":" + strconv.Itoa(Port) }

// Endpoint returns 127.0.0.1:port, where the test process reaches the server.
func (s *Server) Endpoint() string { return s.endpoint }

// Env returns what a function needs to reach the server, as upstream's local platform passes it:
// MINIO_ADDRESS (the server's name and port on the network), MINIO_ACCESS_KEY and MINIO_SECRET_KEY. The
// keys are secrets: pass the map to the container, never to a log or a result file.
func (s *Server) Env() map[string]string {
	return map[string]string{
		storage.EnvAddress:   s.Address(),
		storage.EnvAccessKey: s.creds.accessKey,
		storage.EnvSecretKey: s.creds.secretKey,
	}
}

// Client returns a client for the test process (through the published port), with cfg's timeout and
// attempts (its address and keys are the server's).
func (s *Server) Client(cfg storage.Config) (*storage.Client, error) {
	c, err := s.hostClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("minio: client for %s: %w", s.name, err)
	}
	return c, nil
}

// UploadDir stores every regular file under dir in bucket under prefix/<path relative to dir> (with
// forward slashes), as upstream's generate_input does with its upload_func, and returns the keys.
func UploadDir(ctx context.Context, c *storage.Client, bucket, prefix, dir string) ([]string, error) {
	var keys []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(filepath.Join(prefix, rel))
		if err := c.PutFile(ctx, bucket, key, path); err != nil {
			return err
		}
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return keys, fmt.Errorf("minio: upload %s to %s/%s: %w", dir, bucket, prefix, err)
	}
	return keys, nil
}

// Stop removes the server container (and its tmpfs data). Removing one that is already gone is not an
// error.
func (s *Server) Stop(ctx context.Context) error {
	_, err := s.cli.ContainerRemove(ctx, s.id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("minio: remove the server container %s: %w", s.name, err)
	}
	return nil
}

// String names the server and where it listens; never its keys.
func (s *Server) String() string {
	return fmt.Sprintf("minio %s (%s on the network, %s on the host)", s.name, s.Address(), s.endpoint)
}

// GoString keeps the keys out of %#v.
func (s *Server) GoString() string { return "minioimage.Server{" + s.String() + "}" }
