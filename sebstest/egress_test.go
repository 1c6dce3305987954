package sebstest

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestForwarderRelaysAndCloses: the WithoutEgress forwarder relays bytes both ways to where it is aimed,
// follows a new aim (a cold start's new container), and close ends open relays and returns.
func TestForwarderRelaysAndCloses(t *testing.T) {
	echo := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
			}
		}()
		return ln.Addr().String()
	}
	fw, err := newForwarder()
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(fw.port()))
	for round, upstream := range []string{echo(), echo()} {
		fw.aim(upstream)
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("ping\n")); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || line != "ping\n" {
			t.Fatalf("round %d: echo through the forwarder = %q, %v", round, line, err)
		}
		if round == 1 {
			done := make(chan struct{})
			go func() { fw.close(); close(done) }() // with this connection still open
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("close did not return with a relay open")
			}
			if _, err := c.Read(make([]byte, 1)); err == nil {
				t.Error("the relayed connection is still open after close")
			}
		}
		c.Close()
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the forwarder still accepts after close")
	}
}
