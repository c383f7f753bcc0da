// Package redistest starts a throwaway redis-server for tests: on a free
// port of 127.0.0.1, in a temporary directory, saving nothing, stopped
// when the test ends.
//
// Without redis-server on PATH, Start skips the test, saying to install
// it (apt-get install redis-server), unless VODREFRESH_REQUIRE_REDIS=1,
// when it fails the test: CI sets it, so that the Redis tests cannot be
// skipped there unseen.
package redistest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// RequireEnv names the variable that, set to 1, makes a missing
// redis-server fail the test instead of skipping it.
const RequireEnv = "VODREFRESH_REQUIRE_REDIS"

// Databases is how many databases the server has (redis://host:port/N for
// N below it), so that tests can each have an empty one.
const Databases = 64

// Server is a running redis-server.
type Server struct {
	// Addr is host:port.
	Addr string
	// Password is what the server requires, or "".
	Password string
	// TLS reports whether the server speaks TLS alone (rediss://).
	TLS bool

	cmd    *exec.Cmd
	out    *bytes.Buffer
	done   chan struct{}
	stop   sync.Once
	waited error
}

// Option changes how Start starts the server.
type Option func(*config)

type config struct {
	password string
	args     []string
	cluster  bool
	tls      *testfix.Cert
}

// TLS makes the server speak TLS alone, with cert, on its port; it does
// not ask clients for certificates.
func TLS(cert testfix.Cert) Option {
	return func(c *config) { c.tls = &cert }
}

// Password makes the server require password (requirepass).
func Password(password string) Option {
	return func(c *config) { c.password = password }
}

// Args passes more arguments to redis-server, as "--maxmemory", "2mb".
func Args(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// Start starts a redis-server and stops it when t ends. It waits at most
// 10 seconds for the server to answer.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	bin := serverBin(t)
	return startWith(t, bin, c)
}

// serverBin returns the path of redis-server, or skips (or fails) t.
func serverBin(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server is not on PATH; apt-get install redis-server to run the Redis tests"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s (%s=1 requires them)", msg, RequireEnv)
		}
		t.Skip(msg)
	}
	return bin
}

// startWith starts a server of c, trying three ports.
func startWith(t testing.TB, bin string, c config) *Server {
	t.Helper()
	var lastErr error
	for range 3 { // a port found free may be taken before the server binds it
		s, err := start(t, bin, c)
		if err == nil {
			t.Cleanup(s.Stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

func start(t testing.TB, bin string, c config) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--bind", "127.0.0.1", "--port", strconv.Itoa(port),
		"--save", "", "--appendonly", "no", "--dir", t.TempDir(),
		"--databases", strconv.Itoa(Databases), "--protected-mode", "yes",
	}
	if c.tls != nil {
		dir := t.TempDir()
		certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		if err := errors.Join(os.WriteFile(certFile, c.tls.CertPEM, 0o600), os.WriteFile(keyFile, c.tls.KeyPEM, 0o600)); err != nil {
			return nil, err
		}
		args = append(args, "--port", "0", "--tls-port", strconv.Itoa(port), "--tls-cert-file", certFile,
			"--tls-key-file", keyFile, "--tls-ca-cert-file", certFile, "--tls-auth-clients", "no")
	}
	if c.password != "" {
		args = append(args, "--requirepass", c.password)
	}
	if c.cluster {
		bus, err := freePort()
		if err != nil {
			return nil, err
		}
		dir := t.TempDir()
		args = append(args, "--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"), "--cluster-node-timeout", "5000")
	}
	args = append(args, c.args...)
	s := &Server{
		Addr:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Password: c.password,
		TLS:      c.tls != nil,
		out:      &bytes.Buffer{},
		done:     make(chan struct{}),
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.waited = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("redis-server exited: %v\n%s", s.waited, s.out)
		default:
		}
		if answers(s.Addr, s.TLS) {
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("redis-server on %s did not answer within 10s\n%s", s.Addr, s.out)
}

// answers reports whether a Redis answers PING on addr (+PONG, or an
// error asking for the password), over TLS when tls is set. It checks
// that the server is up, not who it is: it verifies no certificate.
func answers(addr string, tlsOn bool) bool {
	var conn net.Conn
	var err error
	if tlsOn {
		conn, err = tls.DialWithDialer(&net.Dialer{Timeout: 200 * time.Millisecond}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	} else {
		conn, err = net.DialTimeout("tcp", addr, 200*time.Millisecond)
	}
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && (line[0] == '+' || line[0] == '-')
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the server's URL for database db, with the password if it
// requires one: rediss:// when it speaks TLS.
func (s *Server) URL(db int) string {
	scheme := "redis"
	if s.TLS {
		scheme = "rediss"
	}
	if s.Password != "" {
		return fmt.Sprintf("%s://:%s@%s/%d", scheme, s.Password, s.Addr, db)
	}
	return fmt.Sprintf("%s://%s/%d", scheme, s.Addr, db)
}

// Stop stops the server and waits (at most 5 seconds) for it to exit.
// Stopping twice is harmless.
func (s *Server) Stop() {
	s.stop.Do(func() {
		s.cmd.Process.Kill()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
		}
	})
}
