package minioimage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gosebs/sebs/serve/storage"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Port is the server's S3 port inside its container.
const Port = 9000

// DefaultReadyTimeout bounds how long Run waits for the server to answer its health check.
const DefaultReadyTimeout = 60 * time.Second

// RunOptions says where and how to start a server.
type RunOptions struct {
	Image   string // from Image; default Tag(Version)
	Network string // the Docker network the server joins, which the functions join too (required)
	// Name is the container's name and its DNS name on Network; default "sebs-minio-<8 hex>".
	Name string
	// Labels are the owner labels to put on the container; this package adds the kind "storage".
	Labels       map[string]string
	ReadyTimeout time.Duration // default DefaultReadyTimeout
	MemoryBytes  int64         // memory limit; 0: none
}

// Run starts a MinIO server on opts.Network with credentials made for this run, its S3 port also
// published on 127.0.0.1 for the test process, and waits until GET /minio/health/live answers 200 with the
// server initialised (see waitLive). Its data lives in a tmpfs: nothing outlives the container. On failure
// it removes what it started. Stop the server with [Server.Stop].
func Run(ctx context.Context, cli *client.Client, opts RunOptions) (*Server, error) {
	if opts.Network == "" {
		return nil, errors.New("minio: RunOptions.Network is empty: name the Docker network the functions join")
	}
	if opts.Image == "" {
		opts.Image = Tag("")
	}
	if opts.Name == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		opts.Name = "sebs-minio-" + hex.EncodeToString(b[:])
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = DefaultReadyTimeout
	}
	creds, err := newCredentials()
	if err != nil {
		return nil, err
	}
	began := time.Now()
	id, err := create(ctx, cli, opts, creds)
	if err != nil {
		return nil, err
	}
	s := &Server{cli: cli, id: id, name: opts.Name, creds: creds}
	if err := s.start(ctx, opts.ReadyTimeout); err != nil {
		rmCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return nil, errors.Join(err, s.Stop(rmCtx))
	}
	s.Startup = time.Since(began)
	return s, nil
}

// create makes the server's container: unprivileged, read-only root, data on a tmpfs, S3 port published on
// 127.0.0.1 only.
func create(ctx context.Context, cli *client.Client, opts RunOptions, creds credentials) (string, error) {
	labels := maps.Clone(opts.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[labelKind] = kindStorage
	port := network.MustParsePort(fmt.Sprintf("%d/tcp", Port))
	res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: opts.Name,
		Config: &container.Config{
			Image:        opts.Image,
			Env:          []string{"MINIO_ROOT_USER=" + creds.accessKey, "MINIO_ROOT_PASSWORD=" + creds.secretKey},
			ExposedPorts: network.PortSet{port: {}},
			Labels:       labels,
		},
		HostConfig: &container.HostConfig{
			PortBindings:   network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}},
			Tmpfs:          map[string]string{"/data": "rw,nosuid,nodev,mode=1777,size=1g"},
			ReadonlyRootfs: true,
			CapDrop:        []string{"ALL"},
			SecurityOpt:    []string{"no-new-privileges:true"},
			Resources:      container.Resources{Memory: opts.MemoryBytes},
		},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			opts.Network: {Aliases: []string{opts.Name}},
		}},
	})
	if err != nil {
		return "", fmt.Errorf("minio: create the server container on network %s (is the image %s built? see Image): %w", opts.Network, opts.Image, err)
	}
	return res.ID, nil
}

// start starts the container, finds its published port, and waits for the health check.
func (s *Server) start(ctx context.Context, timeout time.Duration) error {
	if _, err := s.cli.ContainerStart(ctx, s.id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("minio: start the server container %s: %w", s.name, err)
	}
	ins, err := s.cli.ContainerInspect(ctx, s.id, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("minio: inspect the server container %s: %w", s.name, err)
	}
	bound := ins.Container.NetworkSettings.Ports[network.MustParsePort(fmt.Sprintf("%d/tcp", Port))]
	if len(bound) == 0 {
		return fmt.Errorf("minio: the server container %s has no published port %d", s.name, Port)
	}
	s.endpoint = "127.0.0.1:" + bound[0].HostPort
	return s.waitLive(ctx, timeout)
}

// waitLive polls the health endpoint every 5 ms until it answers 200 without the header
// "X-Minio-Server-Status: offline": MinIO answers 200 as soon as it listens, and says with that header
// that its object layer is not ready yet (S3 calls would fail with "Server not initialized"). It fails
// early, with the exit code and the last log lines, if the container stops.
func (s *Server) waitLive(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	url := "http://" + s.endpoint + "/minio/health/live"
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	var last error
	for n := 0; ; n++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status := resp.Header.Get("X-Minio-Server-Status")
			if resp.StatusCode == http.StatusOK && status != "offline" {
				return nil
			}
			err = fmt.Errorf("status %s, server status %q", resp.Status, status)
		}
		last = err
		if n%20 == 19 {
			if err := s.exited(ctx); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("minio: server %s not live after %s (last answer: %v): %w", s.name, timeout, last, ctx.Err())
		case <-poll.C:
		}
	}
}

// exited returns an error with the exit code and last log lines if the container no longer runs.
func (s *Server) exited(ctx context.Context) error {
	ins, err := s.cli.ContainerInspect(ctx, s.id, client.ContainerInspectOptions{})
	if err != nil || ins.Container.State == nil || ins.Container.State.Running {
		return nil
	}
	st := ins.Container.State
	return fmt.Errorf("minio: server %s exited (code %d, OOM-killed %t) before it was live; last log lines:\n%s",
		s.name, st.ExitCode, st.OOMKilled, s.logTail(ctx, 20))
}

// logTail returns the container's last n log lines, or a note saying why there are none.
func (s *Server) logTail(ctx context.Context, n int) string {
	rc, err := s.cli.ContainerLogs(ctx, s.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: fmt.Sprint(n)})
	if err != nil {
		return "(no logs: " + err.Error() + ")"
	}
	defer rc.Close()
	raw, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	return strings.TrimSpace(stripFrames(raw))
}

// stripFrames removes the 8-byte headers of Docker's multiplexed log stream.
func stripFrames(b []byte) string {
	var out strings.Builder
	for len(b) >= 8 && b[0] <= 2 && b[1] == 0 && b[2] == 0 && b[3] == 0 {
		n := int(b[4])<<24 | int(b[5])<<16 | int(b[6])<<8 | int(b[7])
		b = b[8:]
		if n > len(b) {
			n = len(b)
		}
		out.Write(b[:n])
		b = b[n:]
	}
	out.Write(b)
	return out.String()
}

// hostClient is the test process's client: the published port on 127.0.0.1.
func (s *Server) hostClient(cfg storage.Config) (*storage.Client, error) {
	cfg.Address, cfg.AccessKey, cfg.SecretKey = s.endpoint, s.creds.accessKey, s.creds.secretKey
	return storage.New(cfg)
}
