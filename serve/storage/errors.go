package storage

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/minio/minio-go/v7"
)

// Causes of an [*Error], for errors.Is.
var (
	// ErrNoSuchBucket: the bucket does not exist.
	ErrNoSuchBucket = errors.New("no such bucket")
	// ErrNoSuchKey: the bucket has no object under the key.
	ErrNoSuchKey = errors.New("no such key")
	// ErrUnavailable: the storage server could not be reached, or did not answer in time.
	ErrUnavailable = errors.New("storage unavailable")
	// ErrNotConfigured: the environment does not say where the storage is (MINIO_ADDRESS unset).
	ErrNotConfigured = errors.New("storage not configured")
)

// Error is a failed storage operation: what was done (Op: "upload", "download", …) to which object, and
// why. Kind is one of the Err… causes above, or nil for any other failure; Err is the underlying error.
type Error struct {
	Op     string
	Bucket string
	Key    string
	Kind   error
	Err    error
}

// Error reads like "storage: download s3://bucket/key: no such key: The specified key does not exist.".
func (e *Error) Error() string {
	obj := "s3://" + e.Bucket
	if e.Key != "" {
		obj += "/" + e.Key
	}
	if e.Kind != nil {
		return fmt.Sprintf("storage: %s %s: %v: %v", e.Op, obj, e.Kind, e.Err)
	}
	return fmt.Sprintf("storage: %s %s: %v", e.Op, obj, e.Err)
}

// Unwrap returns the cause and the underlying error, so errors.Is matches either.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// wrap makes err into an *Error for op on bucket/key, or returns nil for a nil err.
func wrap(op, bucket, key string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	return &Error{Op: op, Bucket: bucket, Key: key, Kind: kindOf(err), Err: err}
}

// kindOf classifies an error from the S3 client.
func kindOf(err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchBucket":
		return ErrNoSuchBucket
	case "NoSuchKey":
		return ErrNoSuchKey
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return ErrUnavailable
	}
	return nil
}
