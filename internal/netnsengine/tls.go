//go:build linux

package netnsengine

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"
)

// certValidity bounds the test certificates' life: long enough for any test run, short enough that a
// leaked key is soon worthless.
const certValidity = 48 * time.Hour

// writeTLS makes a certificate authority, a server certificate for the daemon at addr (its only name) and
// a client certificate, and writes them: dir/server/{ca,cert,key}.pem for the daemon and
// dir/client/{ca,cert,key}.pem for clients, the layout DOCKER_CERT_PATH expects. It returns the client
// directory.
func writeTLS(dir string, addr netip.Addr) (string, error) {
	ca, caKey, err := newCert(pkix.Name{CommonName: "sebs netnsengine test CA"}, nil, nil, func(t *x509.Certificate) {
		t.IsCA = true
		t.BasicConstraintsValid = true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	})
	if err != nil {
		return "", err
	}
	srv, srvKey, err := newCert(pkix.Name{CommonName: addr.String()}, ca, caKey, func(t *x509.Certificate) {
		t.IPAddresses = []net.IP{addr.AsSlice()}
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	if err != nil {
		return "", err
	}
	cli, cliKey, err := newCert(pkix.Name{CommonName: "sebs netnsengine test client"}, ca, caKey, func(t *x509.Certificate) {
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})
	if err != nil {
		return "", err
	}
	for sub, pair := range map[string]struct {
		cert []byte
		key  *ecdsa.PrivateKey
	}{"server": {srv.Raw, srvKey}, "client": {cli.Raw, cliKey}} {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", fmt.Errorf("netnsengine: TLS directory: %w", err)
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(pair.key)
		if err != nil {
			return "", fmt.Errorf("netnsengine: encode %s key: %w", sub, err)
		}
		files := map[string][]byte{
			"ca.pem":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
			"cert.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pair.cert}),
			"key.pem":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(d, name), data, 0o600); err != nil {
				return "", fmt.Errorf("netnsengine: write TLS file: %w", err)
			}
		}
	}
	return filepath.Join(dir, "client"), nil
}

// newCert makes a P-256 key and a certificate for it with subject, signed by parent (self-signed when
// parent is nil); shape fills in the template's uses and names.
func newCert(subject pkix.Name, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, shape func(*x509.Certificate)) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("netnsengine: generate key for %s: %w", subject.CommonName, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("netnsengine: serial number: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
	}
	shape(tmpl)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("netnsengine: sign certificate for %s: %w", subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("netnsengine: parse certificate for %s: %w", subject.CommonName, err)
	}
	return cert, key, nil
}
