// Package redistest starts real redis-server processes for tests, on free
// loopback ports, keeping nothing on disk. It skips the test when no
// redis-server is installed, and fails it instead under REQUIRE_REDIS=1
// (as CI sets). Only tests import it.
package redistest

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a redis-server that a test can stop and start again, empty,
// on the same address.
type Server struct {
	Addr string // host:port

	t    testing.TB
	path string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("REQUIRE_REDIS") != "" {
			t.Fatal("REQUIRE_REDIS is set but redis-server is not installed")
		}
		t.Skip("redis-server not installed (apt-get install redis-server)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), t: t, path: path}
	_ = ln.Close()
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Stop kills the server (a no-op when it is not running).
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart stops the server if it runs and starts it again, empty, then
// waits until it accepts connections.
func (s *Server) Restart() {
	s.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, port, _ := net.SplitHostPort(s.Addr)
	c := exec.Command(s.path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	out, err := c.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		s.t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		_ = c.Process.Kill()
		s.t.Fatal("redis-server did not start")
	}
	s.cmd = c
}
