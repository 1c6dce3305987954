package sebstest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
)

// ErrNoContainer is wrapped by what a function made by [Endpoint] cannot do because it has no container
// of ours: a cold start without [WithColdHook], and its container logs.
var ErrNoContainer = errors.New("the function is a deployed endpoint with no container to restart or replace")

// Endpoint returns a function that already runs somewhere and is addressed by rawURL alone: "host:port"
// (http assumed) or a full http or https URL, e.g. a cloud function's trigger URL. Nothing is started,
// built or called: the first [Function.Invoke] is the first request it gets.
//
// It works as a [Start]ed function for invocations and for package bench's warm and sequential modes,
// result files and reports. It has no container: ContainerID is "", Logs and memory sampling are not
// available, and Stop only closes idle connections. [Function.ColdStart] (and so ColdInvoke and bench's
// cold and burst modes) fails with an error wrapping [ErrNoContainer], unless [WithColdHook] supplies a
// way to force a cold start on the platform.
//
// Options: [WithName] (default: the URL's host and path), [WithBenchmark], [WithConfig] (its timeout
// bounds each call; its memory is what result files record), [WithKeepAlive], [WithProgress] and
// [WithColdHook]. Options about containers (WithCPUs, WithCode, WithPort, WithMemorySampling,
// WithColdMode, WithReadyTimeout, WithPollInterval, WithoutFirstStart) are refused: they would do nothing.
func Endpoint(rawURL string, opts ...Option) (*Function, error) {
	target, port, err := parseEndpoint(rawURL)
	if err != nil {
		return nil, fmt.Errorf("sebstest: endpoint: %w", err)
	}
	cs := make([]testcontainers.ContainerCustomizer, len(opts))
	for i, o := range opts {
		cs[i] = o
	}
	s, err := newSettings(cs)
	if err != nil {
		return nil, fmt.Errorf("sebstest: endpoint %s: %w", target, err)
	}
	if err := containerOnly(s); err != nil {
		return nil, fmt.Errorf("sebstest: endpoint %s: %w", target, err)
	}
	f := &Function{s: s, spec: spec{name: endpointName(target)}}
	f.LocalFunction = sebs.NewLocalFunction(f.model(), nil, target, port)
	f.LocalFunction.HTTPTrigger().KeepAlive = s.keepAlive
	fmt.Fprintf(s.progress, "sebstest: endpoint %s at %s (no container)\n", f.Name, target)
	return f, nil
}

// WithColdHook gives a function made by [Endpoint] a way to force a cold start: hook must make the next
// invocation cold (redeploy the function, scale it to zero, restart its instance …) and return once the
// function can be called again. [Function.ColdStart] times the hook as the start's Start phase (Create
// and Ready stay zero, since the hook does both out of sight); ColdInvoke then checks that the call
// reports is_cold, as for a container. [Start], [New] and [Attach] refuse the hook: they restart or replace
// containers themselves ([WithColdMode]).
func WithColdHook(hook func(ctx context.Context) error) Option {
	return option(func(s *settings) error {
		if hook == nil {
			return errors.New("WithColdHook: the hook is nil")
		}
		s.coldHook = hook
		return nil
	})
}

// isEndpoint reports whether the function is a deployed endpoint, with no container of ours.
func (f *Function) isEndpoint() bool { return f.eng == nil }

// endpointColdStart forces a cold start of an endpoint through its hook, timing it as the Start phase.
func (f *Function) endpointColdStart(ctx context.Context) (sebs.Startup, error) {
	if f.s.coldHook == nil {
		return sebs.Startup{}, fmt.Errorf("sebstest: cold start of %s at %s: %w; pass sebstest.WithColdHook to force "+
			"one on its platform, or use the warm or sequential mode", f.Name, f.URL, ErrNoContainer)
	}
	began := time.Now()
	if err := f.s.coldHook(ctx); err != nil {
		return sebs.Startup{}, fmt.Errorf("sebstest: cold start of %s at %s: the cold hook failed: %w", f.Name, f.URL, err)
	}
	f.startup = sebs.Startup{Start: time.Since(began)}
	f.HTTPTrigger().Close() // a new instance: no connection to the old one is reused
	return f.startup, nil
}

// refuseColdHook fails a container start given [WithColdHook], which only an endpoint uses.
func refuseColdHook(s *settings) error {
	if s.coldHook != nil {
		return errors.New("WithColdHook is for sebstest.Endpoint only; a container's cold start is WithColdMode")
	}
	return nil
}

// containerOnly fails when the settings ask for something only a container can do.
func containerOnly(s *settings) error {
	def, _ := newSettings(nil)
	var set []string
	for _, c := range []struct {
		name string
		on   bool
	}{
		{"WithCPUs", s.cpus != def.cpus},
		{"WithCode", s.codeDir != def.codeDir},
		{"WithPort", s.port != def.port},
		{"WithMemorySampling", s.memInterval != def.memInterval},
		{"WithColdMode", s.coldMode != def.coldMode},
		{"WithReadyTimeout", s.readyTimeout != def.readyTimeout},
		{"WithPollInterval", s.pollEvery != def.pollEvery},
		{"WithoutFirstStart", s.noFirstStart},
	} {
		if c.on {
			set = append(set, c.name)
		}
	}
	if len(set) > 0 {
		return fmt.Errorf("%s: no container to apply it to; leave it out for an endpoint", strings.Join(set, ", "))
	}
	return nil
}

// parseEndpoint checks rawURL and returns it trimmed, with its port (the scheme's default when it names
// none).
func parseEndpoint(rawURL string) (string, int, error) {
	target := strings.TrimSpace(rawURL)
	full := target
	if !strings.Contains(full, "://") {
		full = "http://" + full
	}
	u, err := url.Parse(full)
	if err != nil {
		return "", 0, fmt.Errorf("URL %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", 0, fmt.Errorf("URL %q: scheme %q is not http or https", rawURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return "", 0, fmt.Errorf("URL %q has no host; give \"host:port\" or a full URL", rawURL)
	}
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return "", 0, fmt.Errorf("URL %q: port %q is not a TCP port", rawURL, p)
		}
	}
	return target, port, nil
}

// endpointName is an endpoint's default function name: its host, port and path, sanitized.
func endpointName(target string) string {
	if _, rest, ok := strings.Cut(target, "://"); ok {
		target = rest
	}
	target, _, _ = strings.Cut(target, "?")
	return sanitizeName(target)
}
