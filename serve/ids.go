package serve

import (
	"crypto/rand"
	"encoding/hex"
)

// newContainerID returns 12 random hex characters that name one server process.
func newContainerID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails; it aborts the program if the OS has no entropy.
	return hex.EncodeToString(b[:])
}

// newRequestID returns a random (version 4, RFC 9562) UUID in its canonical 8-4-4-4-12 form.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}
