package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ShutdownGrace is how long [Serve] and [ListenAndServe] let in-flight calls finish once their context ends.
const ShutdownGrace = 10 * time.Second

// ListenAndServe listens on addr (":9000" for all interfaces) and serves h until ctx ends, then shuts down
// gracefully as [Serve] does. h is usually a [*Server], or a handler wrapping one.
func ListenAndServe(ctx context.Context, addr string, h http.Handler) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: cannot listen on %s (port in use, or not allowed?): %w", addr, err)
	}
	return Serve(ctx, ln, h)
}

// Serve serves h on ln until ctx ends. It then stops accepting connections, lets in-flight calls finish for
// up to [ShutdownGrace], and returns nil. If calls are still running after that, it closes their connections
// (which cancels their contexts) and returns an error saying so. It closes ln in every case.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second, // no write timeout: a call may legitimately run for long
		IdleTimeout:       5 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served: // the listener failed before anyone asked us to stop
		return fmt.Errorf("serve: accepting connections on %s failed: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-served // always http.ErrServerClosed once Shutdown has begun
	if err != nil {
		_ = hs.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("serve: in-flight calls did not finish within %v of the stop signal; "+
				"their connections were closed", ShutdownGrace)
		}
		return fmt.Errorf("serve: graceful shutdown failed: %w", err)
	}
	return nil
}
