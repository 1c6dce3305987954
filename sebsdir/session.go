package sebsdir

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// Options configures [Open].
type Options struct {
	// Image is the Python runtime image to run input.py with, e.g. sebstest.PythonImage's tag. Required.
	Image string
	// Client is the Docker engine to use; Open connects with the environment's settings (DOCKER_HOST…)
	// when it is nil, and then closes that client in [Session.Close].
	Client *client.Client
	// Labels are put on the container; nil means managed + this process as owner (see sebstest's owner
	// labels, which a caller inside sebstest should pass).
	Labels map[string]string
	// DataDir is upstream's benchmarks-data directory of this benchmark, if any: mounted read-only and
	// passed to generate_input and validate_output as data_dir (None when empty).
	DataDir string
	// Memory limits the container, in bytes; 0 means [DefaultMemory].
	Memory int64
	// StartTimeout bounds creating and starting the container and loading input.py; 0 means 60 s.
	StartTimeout time.Duration
}

// Session is a running container of the Python runtime image that has loaded one benchmark's input.py
// and answers requests about it, one at a time (methods are safe for concurrent use and serialised).
// Close it when done: the container is removed.
type Session struct {
	bench     *Benchmark
	cli       *client.Client
	ownClient bool
	dataDir   string // Options.DataDir, absolute, or ""
	id        string
	conn      client.HijackedResponse
	replies   *bufio.Reader
	hello     hello
	needs     []Need

	mu        sync.Mutex
	broken    error
	closeOnce sync.Once
	closeErr  error
}

// hello is the driver's first line.
type hello struct {
	reply
	Python      string          `json:"python"`
	Has         map[string]bool `json:"has"`
	Buckets     *[2]int         `json:"buckets"`
	NoSQLTables []string        `json:"nosql_tables"`
}

// reply is the part every driver reply has.
type reply struct {
	OK        bool   `json:"ok"`
	During    string `json:"during"`
	ErrorType string `json:"error_type"`
	Error     string `json:"error"`
	Stack     string `json:"stack"`
	Service   string `json:"service"`
}

// Open starts a session for b: one container of o.Image with b's directory mounted read-only, no network
// and no ports, running our driver, which loads b's input.py. It fails when the container cannot start or
// input.py cannot be loaded (the error carries Python's message and the container's stderr).
func Open(ctx context.Context, b *Benchmark, o Options) (*Session, error) {
	if o.Image == "" {
		return nil, errors.New("sebsdir: Options.Image is empty: pass the Python runtime image (sebstest.PythonImage)")
	}
	if o.DataDir != "" {
		abs, err := filepath.Abs(o.DataDir)
		if err != nil {
			return nil, fmt.Errorf("sebsdir: data directory %s: %w", o.DataDir, err)
		}
		o.DataDir = abs
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 60 * time.Second
	}
	s := &Session{bench: b, cli: o.Client, dataDir: o.DataDir}
	if s.cli == nil {
		cli, err := client.New(client.FromEnv)
		if err != nil {
			return nil, fmt.Errorf("sebsdir: connect to the Docker engine (is it running, DOCKER_HOST right?): %w", err)
		}
		s.cli, s.ownClient = cli, true
	}
	startCtx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	if err := s.start(startCtx, o); err != nil {
		return nil, errors.Join(fmt.Errorf("sebsdir: open %s with %s: %w", b.Name, o.Image, err), s.Close())
	}
	return s, nil
}

// start creates, attaches, starts the container and reads the driver's hello.
func (s *Session) start(ctx context.Context, o Options) error {
	cfg, host := driverContainer(o.Image, s.bench.Dir, o)
	created, err := s.cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host})
	if err != nil {
		return fmt.Errorf("create the driver container (is the image built?): %w", err)
	}
	s.id = created.ID
	att, err := s.cli.ContainerAttach(ctx, s.id, client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return fmt.Errorf("attach to the driver container: %w", err)
	}
	s.conn = att.HijackedResponse
	out, in := io.Pipe()
	s.replies = bufio.NewReaderSize(out, 1<<20)
	go func() {
		_, err := stdcopy.StdCopy(in, io.Discard, s.conn.Reader) // stderr is read from the log when needed
		if err == nil {
			err = io.EOF
		}
		in.CloseWithError(err)
	}()
	if _, err := s.cli.ContainerStart(ctx, s.id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start the driver container: %w", err)
	}
	line, err := s.readLine(ctx)
	if err != nil {
		return fmt.Errorf("the driver did not answer: %w", err)
	}
	if err := json.Unmarshal(line, &s.hello); err != nil {
		return fmt.Errorf("the driver's first line is not its hello (%w): %q", err, tail(string(line), 512))
	}
	if !s.hello.OK {
		return s.scriptError(s.hello.reply)
	}
	s.needs = s.runtimeNeeds()
	return nil
}

// Python returns the runtime image's Python version, e.g. "3.11.2".
func (s *Session) Python() string { return s.hello.Python }

// Needs returns the services the benchmark needs as its input.py answered when run: buckets_count()'s
// result and allocate_nosql()'s tables, plus config.json's modules (see [Benchmark.Needs], read from
// the source only).
func (s *Session) Needs() []Need { return s.needs }

// runtimeNeeds combines config.json's modules with what input.py's functions returned.
func (s *Session) runtimeNeeds() []Need {
	in := s.bench.Input
	in.BucketsCount = s.hello.Has["buckets_count"]
	in.AllocateNoSQL = s.hello.Has["allocate_nosql"]
	in.Buckets = s.hello.Buckets
	needs := inferNeeds(s.bench.Config, in)
	for i, n := range needs {
		if n.Service == NoSQL && len(s.hello.NoSQLTables) > 0 {
			needs[i].Reason += fmt.Sprintf(" (tables %v)", s.hello.NoSQLTables)
		}
	}
	return needs
}

// Close ends the driver and removes its container (also after a failed Open); it is safe to call more
// than once.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		if s.broken == nil {
			s.broken = errors.New("sebsdir: session closed")
		}
		s.mu.Unlock()
		if s.conn.Conn != nil {
			s.conn.Close()
		}
		if s.id != "" {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := s.cli.ContainerRemove(ctx, s.id, client.ContainerRemoveOptions{Force: true}); err != nil {
				s.closeErr = fmt.Errorf("sebsdir: remove driver container %.12s (remove it by hand: docker rm -f %.12s): %w", s.id, s.id, err)
			}
		}
		if s.ownClient {
			s.cli.Close()
		}
	})
	return s.closeErr
}
