package storage

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Environment variables read by [ConfigFromEnv]. The first three are upstream's local platform's.
const (
	EnvAddress   = "MINIO_ADDRESS"         // host:port of the S3 server
	EnvAccessKey = "MINIO_ACCESS_KEY"      // access key (user)
	EnvSecretKey = "MINIO_SECRET_KEY"      // secret key (password)
	EnvTimeout   = "SEBS_STORAGE_TIMEOUT"  // seconds to connect, and to wait for each answer (default 30)
	EnvAttempts  = "SEBS_STORAGE_ATTEMPTS" // tries per request, the first included (default 3)
)

// Defaults of [Config].
const (
	DefaultTimeout  = 30 * time.Second
	DefaultAttempts = 3
)

// Config says where the storage is and how long to wait for it.
type Config struct {
	Address   string // host:port, plain HTTP
	AccessKey string
	SecretKey string
	// Timeout bounds connecting and each wait for a response's headers; 0 means DefaultTimeout. A body
	// that stalls half-way is bounded by the caller's context only.
	Timeout time.Duration
	// Attempts is how many times a failed request is tried in all; 0 means DefaultAttempts.
	Attempts int
}

// String shows the address only: never the keys.
func (c Config) String() string { return "storage at " + c.Address }

// GoString keeps the keys out of %#v too.
func (c Config) GoString() string { return "storage.Config{Address: " + strconv.Quote(c.Address) + "}" }

// ConfigFromEnv reads the configuration from the environment (see the Env… constants). It fails with
// ErrNotConfigured when MINIO_ADDRESS is unset, and says which variable is malformed.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Address:   os.Getenv(EnvAddress),
		AccessKey: os.Getenv(EnvAccessKey),
		SecretKey: os.Getenv(EnvSecretKey),
	}
	if c.Address == "" {
		return c, fmt.Errorf("%w: %s is not set (start the storage beside the function)", ErrNotConfigured, EnvAddress)
	}
	if raw := os.Getenv(EnvTimeout); raw != "" {
		sec, err := strconv.ParseFloat(raw, 64)
		if err != nil || sec <= 0 {
			return c, fmt.Errorf("storage: %s=%q: want a positive number of seconds", EnvTimeout, raw)
		}
		c.Timeout = time.Duration(sec * float64(time.Second))
	}
	if raw := os.Getenv(EnvAttempts); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return c, fmt.Errorf("storage: %s=%q: want a whole number of tries, at least 1", EnvAttempts, raw)
		}
		c.Attempts = n
	}
	return c, nil
}
