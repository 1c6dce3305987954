package serve

import (
	"io"
	"log"
)

// DefaultMaxBodyBytes is the request body limit when none is set: 64 MiB, far above upstream's 100 kB.
const DefaultMaxBodyBytes int64 = 64 << 20

// Option configures a [Server].
type Option func(*Server)

// WithMaxBodyBytes sets the largest request body accepted; a larger body answers 413. n <= 0 keeps
// [DefaultMaxBodyBytes].
func WithMaxBodyBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxBody = n
		}
	}
}

// WithErrorLog sets where handler panics (with their stack) and failed response writes are logged. The
// default is standard error; pass log.New(io.Discard, "", 0) to silence it.
func WithErrorLog(l *log.Logger) Option {
	return func(s *Server) {
		if l == nil {
			l = log.New(io.Discard, "", 0)
		}
		s.log = l
	}
}
