// Package storage gives Go functions the object storage of upstream SeBS's local platform: an S3 server
// (MinIO) reached at MINIO_ADDRESS with MINIO_ACCESS_KEY and MINIO_SECRET_KEY, through the operations of
// upstream's storage wrappers (benchmarks/wrappers/local/*/storage.*): Upload, Download, DownloadDirectory,
// UploadStream, DownloadStream, and Instance for the one client of a process.
//
// It is a package beside serve, not part of it: serve stays on the standard library, and only functions
// that use storage pull in the S3 client (minio-go).
//
// Upload and UploadStream store under a unique key made from the name given (name.<8 hex>.ext, as
// upstream does, so concurrent calls do not overwrite each other) and return that key. Put and PutFile store
// under the exact key, for a test that lays out a benchmark's inputs.
//
// Every failure is an [*Error] naming the operation, bucket and key; errors.Is tells the cause apart:
// [ErrNoSuchBucket], [ErrNoSuchKey], [ErrUnavailable] (the server cannot be reached or does not answer in
// time), [ErrNotConfigured] (no MINIO_ADDRESS).
package storage
