package sebstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
)

// An Option changes how [Start], [New] or [Attach] builds, starts and measures a function. Options are
// testcontainers-go customizers, so they go in one list with testcontainers' own
// (testcontainers.WithEnv, WithLabels, WithCmd, WithHostConfigModifier, WithWaitStrategy, …), which
// apply after this package's settings and so win over them. Given to testcontainers directly, an Option
// fails the request: it means something only to this package.
type Option interface {
	testcontainers.ContainerCustomizer
	set(*settings) error
}

// option is a function that changes the settings.
type option func(*settings) error

func (o option) set(s *settings) error { return o(s) }

// Customize refuses: a sebstest option means nothing to testcontainers itself.
func (option) Customize(*testcontainers.GenericContainerRequest) error {
	return errors.New("sebstest: a sebstest option was given to testcontainers directly; pass it to sebstest.Start, New or Attach")
}

// settings is what the options set; defaults come from newSettings.
type settings struct {
	name         string
	benchmark    string
	config       sebs.FunctionConfig
	configSet    bool
	cpus         float64
	codeDir      string
	port         string
	readyTimeout time.Duration
	pollEvery    time.Duration
	memInterval  time.Duration
	keepAlive    bool
	published    bool // issue 16: WithPublishedPort (address.go)
	coldMode     ColdMode
	coldHook     func(context.Context) error // Endpoint only (WithColdHook)
	progress     io.Writer
	pidsLimit    int64
	noEgress     bool                                 // issue 10: WithoutEgress (egress.go)
	tmpfsMB      int                                  // WithTmpfs; 0: see tmpfsOptions
	customizers  []testcontainers.ContainerCustomizer // the caller's testcontainers options, in order
	storage      *Storage                             // WithStorage (issue 14), or nil
	noFirstStart bool                                 // issue 16: WithoutFirstStart (deferred.go)
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

// newSettings applies opts to the defaults: ours set the settings, the others are kept, in order, to
// customize the container request after ours.
func newSettings(opts []testcontainers.ContainerCustomizer) (*settings, error) {
	s := &settings{
		port:         functionPort,
		readyTimeout: DefaultReadyTimeout,
		pollEvery:    DefaultPollInterval,
		coldMode:     ColdReplace,
		progress:     io.Discard,
		pidsLimit:    DefaultPidsLimit,
	}
	for _, o := range opts {
		switch o := o.(type) {
		case nil:
		case Option:
			if err := o.set(s); err != nil {
				return nil, err
			}
		default:
			s.customizers = append(s.customizers, o)
		}
	}
	return s, nil
}

// WithName sets the function's name (default: the source's name).
func WithName(name string) Option {
	return option(func(s *settings) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("WithName: the name is empty")
		}
		s.name = name
		return nil
	})
}

// WithBenchmark records the benchmark the function implements, for its JSON and results (default: the
// fixture's upstream name for a [Fixture], else none).
func WithBenchmark(name string) Option {
	return option(func(s *settings) error { s.benchmark = name; return nil })
}

// WithConfig sets the function's config, replacing the source's default (a [Fixture]'s memory and
// timeout). Its memory (MB) becomes the container's memory limit and its timeout (s) the invocation
// timeout; its runtime is kept in the function's JSON.
func WithConfig(cfg sebs.FunctionConfig) Option {
	return option(func(s *settings) error {
		if cfg.Memory < 0 || cfg.Timeout < 0 {
			return fmt.Errorf("WithConfig: memory %d MB and timeout %d s must not be negative", cfg.Memory, cfg.Timeout)
		}
		s.config, s.configSet = cfg, true
		return nil
	})
}

// WithCPUs limits the container to n CPUs (fractions allowed); the default is no limit.
func WithCPUs(n float64) Option {
	return option(func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("WithCPUs: %v CPUs: must be positive", n)
		}
		s.cpus = n
		return nil
	})
}

// WithCode mounts the host directory dir (made absolute) read-only at /function, where upstream SeBS puts
// a function's code package: for an [Image] whose server loads its code from there. Sources that already
// own /function ([GoFunction], [PythonFunction], [NodeFunction], [UpstreamImage], [Fixture]) refuse it: give them the code
// directory instead.
func WithCode(dir string) Option {
	return option(func(s *settings) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("WithCode %q: %w", dir, err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return fmt.Errorf("WithCode: %s is not a directory (%v); give the folder holding the code package", abs, err)
		}
		s.codeDir = abs
		return nil
	})
}

// WithPort sets the container port the function listens on (default "9000/tcp").
func WithPort(port string) Option {
	return option(func(s *settings) error {
		if !strings.Contains(port, "/") {
			port += "/tcp"
		}
		s.port = port
		return nil
	})
}

// WithReadyTimeout bounds the time from container start to its first HTTP answer ([ForProtocol]'s
// startup timeout; default [DefaultReadyTimeout]).
func WithReadyTimeout(d time.Duration) Option {
	return option(func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithReadyTimeout: %v must be positive", d)
		}
		s.readyTimeout = d
		return nil
	})
}

// WithPollInterval sets how often [ForProtocol] polls readiness (default [DefaultPollInterval]).
func WithPollInterval(d time.Duration) Option {
	return option(func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithPollInterval: %v must be positive", d)
		}
		s.pollEvery = d
		return nil
	})
}

// WithMemorySampling samples the container's memory every interval while it runs; each invocation's
// result then carries the peak in stats.memory_used (MiB) and the samples taken during it.
func WithMemorySampling(interval time.Duration) Option {
	return option(func(s *settings) error {
		if interval <= 0 {
			return fmt.Errorf("WithMemorySampling: interval %v must be positive", interval)
		}
		s.memInterval = interval
		return nil
	})
}

// WithKeepAlive makes the HTTP trigger reuse connections; the default is a fresh connection per call, as
// upstream SeBS does, so that HTTP startup includes the TCP connect.
func WithKeepAlive() Option {
	return option(func(s *settings) error { s.keepAlive = true; return nil })
}

// WithColdMode chooses how [Function.ColdStart] makes the next invocation cold (default [ColdReplace]).
func WithColdMode(m ColdMode) Option {
	return option(func(s *settings) error {
		parsed, err := parseColdMode(string(m))
		if err != nil {
			return fmt.Errorf("WithColdMode: %w", err)
		}
		s.coldMode = parsed
		return nil
	})
}

// WithProgress sends progress lines (builds, starts) to w; [New] sends them to the test log.
func WithProgress(w io.Writer) Option {
	return option(func(s *settings) error {
		if w == nil {
			w = io.Discard
		}
		s.progress = w
		return nil
	})
}
