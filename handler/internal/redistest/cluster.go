package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Cluster is a Redis Cluster of masters alone, on 127.0.0.1.
type Cluster struct {
	// Servers are its nodes; Servers[i] serves the i-th of equal ranges
	// of the 16,384 slots.
	Servers []*Server
}

// StartCluster starts n redis-servers (n at least 3, as Redis requires)
// with cluster mode on, each with a cluster bus port of its own, gives
// each an equal range of the slots (CLUSTER ADDSLOTSRANGE), introduces
// each to every other (CLUSTER MEET) and waits at most 10 seconds for every node to say
// cluster_state:ok. Options apply to every node. The nodes stop when t
// ends. It needs no redis-cli: the commands go over plain TCP.
func StartCluster(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	if n < 3 {
		t.Fatalf("StartCluster(%d): a Redis Cluster needs 3 masters at least", n)
	}
	c := config{cluster: true}
	for _, o := range opts {
		o(&c)
	}
	bin := serverBin(t)
	cl := &Cluster{}
	for range n {
		cl.Servers = append(cl.Servers, startWith(t, bin, c))
	}
	const slots = 16384
	for i, s := range cl.Servers {
		lo, hi := i*slots/n, (i+1)*slots/n-1
		if _, err := command(s.Addr, s.Password, "CLUSTER", "ADDSLOTSRANGE", strconv.Itoa(lo), strconv.Itoa(hi)); err != nil {
			t.Fatalf("CLUSTER ADDSLOTSRANGE on %s: %v", s.Addr, err)
		}
	}
	// Every node meets every other: left to gossip, a node could still
	// know only two of three after ten seconds on a loaded machine.
	for i, a := range cl.Servers {
		for _, b := range cl.Servers[i+1:] {
			host, port, _ := net.SplitHostPort(b.Addr)
			if _, err := command(a.Addr, a.Password, "CLUSTER", "MEET", host, port, busPort(t, b)); err != nil {
				t.Fatalf("CLUSTER MEET %s from %s: %v", b.Addr, a.Addr, err)
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, s := range cl.Servers {
		for {
			info, err := command(s.Addr, s.Password, "CLUSTER", "INFO")
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", n)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the cluster's node %s is not ok within 10s: %v\n%s", s.Addr, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return cl
}

// busPort is the cluster bus port that s was started with.
func busPort(t testing.TB, s *Server) string {
	t.Helper()
	for i, a := range s.cmd.Args {
		if a == "--cluster-port" && i+1 < len(s.cmd.Args) {
			return s.cmd.Args[i+1]
		}
	}
	t.Fatalf("the server on %s has no cluster bus port", s.Addr)
	return ""
}

// Addrs are the nodes' host:port.
func (c *Cluster) Addrs() []string {
	var a []string
	for _, s := range c.Servers {
		a = append(a, s.Addr)
	}
	return a
}

// URL is the cluster's store URL in direct-connection mode: scheme
// (redis+cluster or rediss+cluster), the first node as the host, the
// others as addr options, and the password if the nodes require one.
func (c *Cluster) URL(scheme string) string {
	u := url.URL{Scheme: scheme, Host: c.Servers[0].Addr}
	if p := c.Servers[0].Password; p != "" {
		u.User = url.UserPassword("", p)
	}
	q := url.Values{}
	for _, s := range c.Servers[1:] {
		q.Add("addr", s.Addr)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Command sends one command to the node at addr (AUTH with password
// first, unless ""), and returns its reply: a status, a number or a bulk
// string as text, or an error for an error reply. Arrays are not read.
func Command(addr, password string, args ...string) (string, error) {
	return command(addr, password, args...)
}

func command(addr, password string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	rd := bufio.NewReader(conn)
	if password != "" {
		if _, err := roundTrip(conn, rd, "AUTH", password); err != nil {
			return "", err
		}
	}
	return roundTrip(conn, rd, args...)
}

func roundTrip(conn net.Conn, rd *bufio.Reader, args ...string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("an empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("a reply of a kind not read here: %q", line)
}
