package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Client is an S3 client with upstream's storage operations. It is safe for concurrent use.
type Client struct {
	mc   *minio.Client
	addr string
}

// New returns a client for the server cfg names. It does not contact the server.
func New(cfg Config) (*Client, error) {
	if cfg.Address == "" {
		return nil, fmt.Errorf("%w: no address", ErrNotConfigured)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	attempts := cfg.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	transport := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: timeout}).DialContext,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   16,
		DisableCompression:    true,
	}
	mc, err := minio.New(cfg.Address, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       false,
		Transport:    transport,
		Region:       "us-east-1", // skips the bucket-location lookup MinIO does not need
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   attempts,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: client for %s: %w", cfg.Address, err)
	}
	return &Client{mc: mc, addr: cfg.Address}, nil
}

var (
	instanceOnce sync.Once
	instance     *Client
	instanceErr  error
)

// Instance returns the process's one client, made from the environment on first use (upstream's
// storage.get_instance()).
func Instance() (*Client, error) {
	instanceOnce.Do(func() {
		cfg, err := ConfigFromEnv()
		if err != nil {
			instanceErr = err
			return
		}
		instance, instanceErr = New(cfg)
	})
	return instance, instanceErr
}

// Address returns the host:port the client talks to.
func (c *Client) Address() string { return c.addr }

// UniqueName returns name with 8 random hex digits before its extension: "out/a.jpg" gives
// "out/a.1f2e3d4c.jpg", as upstream's wrappers name uploads.
func UniqueName(name string) string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(b[:]) + ext
}

// MakeBucket creates bucket unless it exists.
func (c *Client) MakeBucket(ctx context.Context, bucket string) error {
	err := c.mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
	if err == nil {
		return nil
	}
	switch minio.ToErrorResponse(err).Code {
	case "BucketAlreadyOwnedByYou", "BucketAlreadyExists":
		return nil
	}
	return wrap("make bucket", bucket, "", err)
}

// List returns the keys under prefix in bucket, in the server's (lexical) order.
func (c *Client) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	for obj := range c.mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return keys, wrap("list", bucket, prefix, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys, nil
}
