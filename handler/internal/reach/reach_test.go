package reach

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Why is given what http.Client.Do returns: real failures where the
// loopback can make them, and the resolver's not-found as net/http wraps
// it (no test may ask a real resolver).
func TestWhy(t *testing.T) {
	const secret = "s3cret-token"
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	defer close(stop) // before Close, which waits for the handlers
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()

	do := func(c *http.Client, ctx context.Context, u string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s answered %d", u, resp.StatusCode)
		}
		return err
	}
	for _, tt := range []struct {
		name string
		err  func() error
		want string
	}{
		{"the client's timeout", func() error {
			return do(&http.Client{Timeout: 50 * time.Millisecond}, context.Background(), slow.URL+"/?token="+secret)
		}, "no answer in time"},
		{"the context's deadline", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			return do(http.DefaultClient, ctx, slow.URL+"/?token="+secret)
		}, "no answer in time"},
		{"nothing listening", func() error { return do(http.DefaultClient, context.Background(), "http://"+refused+"/?token="+secret) }, "connection refused"},
		{"no such host", func() error {
			return &url.Error{Op: "Post", URL: "https://hooks.invalid/?token=" + secret,
				Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "hooks.invalid", IsNotFound: true}}}
		}, "no such host"},
		{"a resolver that does not answer", func() error {
			return &url.Error{Op: "Post", URL: "https://hooks.example/?token=" + secret,
				Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "hooks.example", IsTimeout: true}}}
		}, "no answer in time"},
		{"TLS to a plain HTTP server", func() error {
			return do(http.DefaultClient, context.Background(), "https"+strings.TrimPrefix(plain.URL, "http")+"/?token="+secret)
		}, "the request failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if !strings.Contains(err.Error(), secret) {
				t.Fatalf("the case does not test what it should: %v", err)
			}
			if got := Why(err); got != tt.want {
				t.Fatalf("Why(%v) = %q, want %q", err, got, tt.want)
			}
		})
	}
}
