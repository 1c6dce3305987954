//go:build linux

package netnsengine

import (
	"crypto/tls"
	"crypto/x509"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// TestTLS checks the generated files: the server certificate verifies for the engine's address (and
// only it) and the client certificate for client authentication, both against the generated CA.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	addr := netip.MustParseAddr("10.212.9.2")
	cdir, err := writeTLS(dir, addr)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	caPEM, err := os.ReadFile(filepath.Join(cdir, "ca.pem"))
	if err != nil || !pool.AppendCertsFromPEM(caPEM) {
		t.Fatalf("read CA: %v", err)
	}
	for sub, usage := range map[string]x509.ExtKeyUsage{"server": x509.ExtKeyUsageServerAuth, "client": x509.ExtKeyUsageClientAuth} {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, sub, "cert.pem"), filepath.Join(dir, sub, "key.pem"))
		if err != nil {
			t.Fatalf("%s key pair: %v", sub, err)
		}
		opts := x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}}
		if sub == "server" {
			opts.DNSName = addr.String()
		}
		if _, err := pair.Leaf.Verify(opts); err != nil {
			t.Errorf("%s certificate does not verify: %v", sub, err)
		}
		if sub == "server" {
			opts.DNSName = "127.0.0.1"
			if _, err := pair.Leaf.Verify(opts); err == nil {
				t.Error("server certificate verifies for 127.0.0.1, want only the engine's address")
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(cdir, "key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("client key mode %v (error %v), want 0600", fi.Mode().Perm(), err)
	}
}
