// Command reaper is a stand-in for testcontainers' Ryuk, for package reliability's test of sebstest with
// the reaper switched on: Ryuk's image cannot be pulled where there is no registry, so the test builds this
// program into an image under Ryuk's name. It speaks the protocol testcontainers-go uses, written here from
// that client's side:
//
//   - it listens on port 8080 and then logs "Started";
//   - a client sends one line of label filters, "label=k=v&label=k2=v2", and gets "ACK\n";
//   - when every client has disconnected and none reconnects within RYUK_RECONNECTION_TIMEOUT (default 10s),
//     it removes the containers and networks that match any filter it was sent, and exits; with no client
//     at all within RYUK_CONNECTION_TIMEOUT (default 60s) it exits too.
//
// It reaches the engine through the Docker socket testcontainers-go mounts into it. It is test machinery
// only; nothing outside reliability's tests runs it.
package main

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	connectTimeout := envDuration("RYUK_CONNECTION_TIMEOUT", time.Minute)
	reconnectTimeout := envDuration("RYUK_RECONNECTION_TIMEOUT", 10*time.Second)
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		log.Fatalf("reaper: listen: %v", err)
	}
	log.Println("Started")

	r := &registry{idle: make(chan struct{}, 1)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r.serve(conn)
		}
	}()

	// Wait for a first client, then until clients stay away for the reconnection timeout.
	timeout := connectTimeout
	for {
		select {
		case <-r.idle:
			timeout = reconnectTimeout
			continue
		case <-time.After(timeout):
		}
		if r.clients() == 0 {
			break
		}
		timeout = reconnectTimeout
	}
	_ = ln.Close()
	if err := reap(r.filterSets()); err != nil {
		log.Fatalf("reaper: %v", err)
	}
}

// registry tracks connected clients and the filters they sent.
type registry struct {
	mu      sync.Mutex
	n       int
	filters map[string][]string // by the line that carried them
	idle    chan struct{}       // signalled on every connect and disconnect
}

func (r *registry) clients() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func (r *registry) filterSets() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	sets := make([][]string, 0, len(r.filters))
	for _, f := range r.filters {
		sets = append(sets, f)
	}
	return sets
}

func (r *registry) signal() {
	select {
	case r.idle <- struct{}{}:
	default:
	}
}

// serve registers a client, answers each filter line with ACK, and unregisters it when it disconnects.
func (r *registry) serve(conn net.Conn) {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	r.signal()
	go func() {
		defer func() {
			_ = conn.Close()
			r.mu.Lock()
			r.n--
			r.mu.Unlock()
			r.signal()
		}()
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			labels, err := parseFilters(line)
			if err != nil {
				log.Printf("reaper: %v", err)
				return
			}
			r.mu.Lock()
			if r.filters == nil {
				r.filters = map[string][]string{}
			}
			r.filters[line] = labels
			r.mu.Unlock()
			if _, err := conn.Write([]byte("ACK\n")); err != nil {
				return
			}
		}
	}()
}

// parseFilters turns "label=k=v&label=k2=v2" into ["k=v", "k2=v2"].
func parseFilters(line string) ([]string, error) {
	var labels []string
	for _, part := range strings.Split(line, "&") {
		kind, value, ok := strings.Cut(part, "=")
		if !ok || kind != "label" || value == "" {
			return nil, fmt.Errorf("unsupported filter %q in %q", part, line)
		}
		labels = append(labels, value)
	}
	return labels, nil
}

// reap removes the containers, then the networks, that carry every label of any one filter set.
func reap(sets [][]string) error {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return fmt.Errorf("connect to the engine: %w", err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var containers, networks int
	for _, labels := range sets {
		f := client.Filters{}.Add("label", labels...)
		cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			return fmt.Errorf("list containers: %w", err)
		}
		for _, c := range cs.Items {
			if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err == nil {
				containers++
			}
		}
		ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		if err != nil {
			return fmt.Errorf("list networks: %w", err)
		}
		for _, n := range ns.Items {
			if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err == nil {
				networks++
			}
		}
	}
	log.Printf("Removed %d container(s), %d network(s)", containers, networks)
	return nil
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}
