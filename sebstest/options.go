package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
)

// An Option changes how [Start] or [New] builds, starts and measures a function.
type Option func(*settings) error

// settings is what the options set; defaults come from newSettings.
type settings struct {
	name         string
	benchmark    string
	config       sebs.FunctionConfig
	configSet    bool
	cpus         float64
	env          map[string]string
	codeDir      string
	cmd          []string
	labels       map[string]string
	port         string
	readyTimeout time.Duration
	pollEvery    time.Duration
	memInterval  time.Duration
	keepAlive    bool
	coldMode     ColdMode
	progress     io.Writer
	pidsLimit    int64
	customizers  []testcontainers.ContainerCustomizer

	cli *client.Client // created on first use, closed by the function or by a failed start
}

// Defaults that apply when no option says otherwise.
const (
	// DefaultReadyTimeout bounds how long a container may take from start to its first HTTP answer.
	DefaultReadyTimeout = 30 * time.Second
	// DefaultPollInterval is how often readiness is polled: fine enough that the measured startup is not
	// quantised by the poll.
	DefaultPollInterval = 2 * time.Millisecond
	// DefaultMemoryMB is the memory limit of a function whose config sets none, as upstream's default.
	DefaultMemoryMB = 256
	// DefaultTimeout is the invocation timeout of a function whose config sets none.
	DefaultTimeout = 60 * time.Second
	// DefaultPidsLimit bounds the processes and threads of a function container.
	DefaultPidsLimit = 256
	functionPort     = "9000/tcp"
)

func newSettings() *settings {
	return &settings{
		env:          map[string]string{},
		labels:       map[string]string{},
		port:         functionPort,
		readyTimeout: DefaultReadyTimeout,
		pollEvery:    DefaultPollInterval,
		coldMode:     ColdReplace,
		progress:     io.Discard,
		pidsLimit:    DefaultPidsLimit,
	}
}

// connect applies the options to the defaults and connects to the Docker engine.
func connect(ctx context.Context, opts []Option) (*settings, *client.Client, error) {
	s := newSettings()
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, nil, err
		}
	}
	cli, err := s.client(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s, cli, nil
}

// client returns the Docker API client, connecting on first use.
func (s *settings) client(ctx context.Context) (*client.Client, error) {
	if s.cli != nil {
		return s.cli, nil
	}
	c, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to the Docker engine (is it running, and is DOCKER_HOST right?): %w", err)
	}
	s.cli = c.Client
	return s.cli, nil
}

// WithName sets the function's name (default: the source's name).
func WithName(name string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("WithName: the name is empty")
		}
		s.name = name
		return nil
	}
}

// WithBenchmark records the benchmark the function implements, for its JSON and results.
func WithBenchmark(name string) Option {
	return func(s *settings) error { s.benchmark = name; return nil }
}

// WithConfig sets the function's config. Its memory (MB) becomes the container's memory limit and its
// timeout (s) the invocation timeout; its runtime is kept in the function's JSON.
func WithConfig(cfg sebs.FunctionConfig) Option {
	return func(s *settings) error {
		if cfg.Memory < 0 || cfg.Timeout < 0 {
			return fmt.Errorf("WithConfig: memory %d MB and timeout %d s must not be negative", cfg.Memory, cfg.Timeout)
		}
		s.config, s.configSet = cfg, true
		return nil
	}
}

// WithCPUs limits the container to n CPUs (fractions allowed); the default is no limit.
func WithCPUs(n float64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("WithCPUs: %v CPUs: must be positive", n)
		}
		s.cpus = n
		return nil
	}
}

// WithEnv adds environment variables for the function.
func WithEnv(env map[string]string) Option {
	return func(s *settings) error { maps.Copy(s.env, env); return nil }
}

// WithCode mounts a host directory read-only at /function, where upstream SeBS puts a function's code
// package.
func WithCode(dir string) Option {
	return func(s *settings) error { s.codeDir = dir; return nil }
}

// WithCmd replaces the image's command.
func WithCmd(args ...string) Option {
	return func(s *settings) error { s.cmd = args; return nil }
}

// WithLabels adds container labels. Keys must not use this package's prefix "dev.gosebs.".
func WithLabels(labels map[string]string) Option {
	return func(s *settings) error {
		for k := range labels {
			if strings.HasPrefix(k, labelPrefix) {
				return fmt.Errorf("WithLabels: label %q uses the reserved prefix %q", k, labelPrefix)
			}
		}
		maps.Copy(s.labels, labels)
		return nil
	}
}

// WithPort sets the container port the function listens on (default "9000/tcp").
func WithPort(port string) Option {
	return func(s *settings) error {
		if !strings.Contains(port, "/") {
			port += "/tcp"
		}
		s.port = port
		return nil
	}
}

// WithReadyTimeout bounds the time from container start to its first HTTP answer.
func WithReadyTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithReadyTimeout: %v must be positive", d)
		}
		s.readyTimeout = d
		return nil
	}
}

// WithPollInterval sets how often readiness is polled (default 2 ms).
func WithPollInterval(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithPollInterval: %v must be positive", d)
		}
		s.pollEvery = d
		return nil
	}
}

// WithMemorySampling samples the container's memory every interval while it runs; each invocation's
// result then carries the peak in stats.memory_used (MiB) and the samples taken during it.
func WithMemorySampling(interval time.Duration) Option {
	return func(s *settings) error {
		if interval <= 0 {
			return fmt.Errorf("WithMemorySampling: interval %v must be positive", interval)
		}
		s.memInterval = interval
		return nil
	}
}

// WithKeepAlive makes the HTTP trigger reuse connections; the default is a fresh connection per call, as
// upstream SeBS does, so that HTTP startup includes the TCP connect.
func WithKeepAlive() Option {
	return func(s *settings) error { s.keepAlive = true; return nil }
}

// WithColdMode chooses how [Function.ColdStart] makes the next invocation cold.
func WithColdMode(m ColdMode) Option {
	return func(s *settings) error {
		if m != ColdReplace && m != ColdRestart {
			return fmt.Errorf("WithColdMode: unknown mode %d", m)
		}
		s.coldMode = m
		return nil
	}
}

// WithProgress sends progress lines (builds, starts) to w; [New] sends them to the test log.
func WithProgress(w io.Writer) Option {
	return func(s *settings) error {
		if w == nil {
			w = io.Discard
		}
		s.progress = w
		return nil
	}
}

// WithCustomizer passes a testcontainers-go customizer through, applied after this package's own
// settings, for anything the options here do not cover.
func WithCustomizer(c testcontainers.ContainerCustomizer) Option {
	return func(s *settings) error { s.customizers = append(s.customizers, c); return nil }
}
