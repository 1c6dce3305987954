// Package minioimage runs a MinIO object storage server beside the functions, as upstream SeBS's local
// platform does, without a container registry: the server is built from source from the Go module proxy
// (github.com/minio/minio at [Version]) into a FROM scratch image, once per machine.
//
// MinIO is AGPL-licensed. This package never imports it: [Binary] runs `go install` on it as a separate
// program, in a module of its own, and our module's go.mod does not name it. The test process and Go
// functions talk to the server over S3 with minio-go (Apache-2.0), through package serve/storage.
//
// [Image] builds (or finds) the image, [Run] starts a server on a Docker network with credentials made for
// that run, and the returned [Server] gives the environment functions need (MINIO_ADDRESS,
// MINIO_ACCESS_KEY, MINIO_SECRET_KEY) and a client for the test process.
package minioimage

import "github.com/gosebs/sebs/internal/owner"

// Module is the Go module of the MinIO server.
const Module = "github.com/minio/minio"

// Version is the MinIO server version we build: the newest the Go module proxy serves (a pseudo-version;
// MinIO's release tags are not Go module versions), checked to build with Go 1.26 and CGO_ENABLED=0.
const Version = "v0.0.0-20260212201848-7aac2a2c5b7c"

// Labels this package sets itself; the owner labels come from the caller (see ImageOptions.Labels). The
// kind key is package owner's, so the sweep treats MinIO containers and networks like function containers.
const (
	labelKind    = owner.LabelKind
	labelVersion = "dev.gosebs.minio.version"
	kindImage    = owner.KindImage // kept across runs, never swept
	kindStorage  = "storage"
)
