package storage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Upload stores the file at filepath under a unique key made from file (see [UniqueName]) and returns the
// key.
func (c *Client) Upload(ctx context.Context, bucket, file, filepath string) (string, error) {
	key := UniqueName(file)
	return key, c.PutFile(ctx, bucket, key, filepath)
}

// UploadStream stores data under a unique key made from file and returns the key.
func (c *Client) UploadStream(ctx context.Context, bucket, file string, data []byte) (string, error) {
	key := UniqueName(file)
	return key, c.Put(ctx, bucket, key, data)
}

// Put stores data under exactly key.
func (c *Client) Put(ctx context.Context, bucket, key string, data []byte) error {
	_, err := c.mc.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return wrap("upload", bucket, key, err)
}

// PutFile stores the file at path under exactly key.
func (c *Client) PutFile(ctx context.Context, bucket, key, path string) error {
	_, err := c.mc.FPutObject(ctx, bucket, key, path, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return wrap("upload", bucket, key, err)
}

// DownloadStream returns the object's bytes.
func (c *Client) DownloadStream(ctx context.Context, bucket, key string) ([]byte, error) {
	obj, err := c.mc.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, wrap("download", bucket, key, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj) // the request is sent on the first read: errors show here
	if err != nil {
		return nil, wrap("download", bucket, key, err)
	}
	return data, nil
}

// Download writes the object to the file at path, creating its directory.
func (c *Client) Download(ctx context.Context, bucket, key, path string) error {
	data, err := c.DownloadStream(ctx, bucket, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return wrap("download", bucket, key, err)
	}
	return wrap("download", bucket, key, os.WriteFile(path, data, 0o644))
}

// DownloadDirectory downloads every object under prefix to dir/<key>, as upstream's wrappers do (the
// whole key, prefix included, becomes the path below dir). A key that would leave dir is an error.
func (c *Client) DownloadDirectory(ctx context.Context, bucket, prefix, dir string) error {
	keys, err := c.List(ctx, bucket, prefix)
	if err != nil {
		return err
	}
	for _, key := range keys {
		dest := filepath.Join(dir, filepath.FromSlash(key))
		if rel, err := filepath.Rel(dir, dest); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return &Error{Op: "download", Bucket: bucket, Key: key, Err: fmt.Errorf("key leaves the directory %s", dir)}
		}
		if err := c.Download(ctx, bucket, key, dest); err != nil {
			return err
		}
	}
	return nil
}
