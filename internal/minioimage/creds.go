package minioimage

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// credentials are the root user and password of one server, made fresh for each run and never logged.
type credentials struct {
	accessKey, secretKey string
}

// newCredentials makes a 20-character access key and a 40-character secret key from crypto/rand.
func newCredentials() (credentials, error) {
	var a [10]byte
	var s [20]byte
	if _, err := rand.Read(a[:]); err != nil {
		return credentials{}, fmt.Errorf("minio: make credentials: %w", err)
	}
	if _, err := rand.Read(s[:]); err != nil {
		return credentials{}, fmt.Errorf("minio: make credentials: %w", err)
	}
	return credentials{accessKey: hex.EncodeToString(a[:]), secretKey: hex.EncodeToString(s[:])}, nil
}
