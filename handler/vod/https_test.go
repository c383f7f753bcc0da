package vod

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// tlsVOD starts the fake VOD over HTTPS with a certificate of its own,
// and returns it with that certificate in PEM.
func tlsVOD(t *testing.T) (*vodfake.Server, []byte) {
	t.Helper()
	c, err := testfix.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{"LTAI-roots": "roots-secret"}, Lifetime: time.Minute, TLS: c.Config})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, c.CertPEM
}

// TestHTTPSWithLoadedRoots calls the fake VOD over HTTPS through the SDK:
// the call goes through when the roots hold the fake's certificate, and
// is never answered when they do not.
func TestHTTPSWithLoadedRoots(t *testing.T) {
	srv, good := tlsVOD(t)
	_, other := tlsVOD(t)
	ep, err := ParseEndpoint(srv.Endpoint())
	if err != nil || ep.Scheme != "HTTPS" {
		t.Fatalf("%s: %+v %v", srv.Endpoint(), ep, err)
	}
	sts := STS{AccessKeyID: "LTAI-roots", AccessKeySecret: "roots-secret", SecurityToken: "roots-token"}
	for _, tc := range []struct {
		name   string
		bundle []byte
		ok     bool
	}{
		{"trusted", good, true},
		{"another root", other, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots := func() *x509.CertPool {
				pool := x509.NewCertPool()
				pool.AppendCertsFromPEM(tc.bundle)
				return pool
			}
			before := srv.Calls("DescribeVodRefreshQuota")
			c, err := newConnector(ep, nil, roots).Dial(sts)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q, err := c.Quota(ctx)
			got := srv.Calls("DescribeVodRefreshQuota") - before
			if tc.ok {
				if err != nil || got != 1 || q.URLQuota != 2000 {
					t.Fatalf("quota %+v, %v, %d calls answered", q, err, got)
				}
				return
			}
			var apiErr *APIError
			if err == nil || got != 0 || !errors.As(err, &apiErr) {
				t.Fatalf("quota %+v, %v, %d calls answered: want a refused connection", q, err, got)
			}
			if msg := err.Error(); strings.Contains(msg, "roots-secret") || strings.Contains(msg, "roots-token") || strings.Contains(msg, "*tls.") {
				t.Fatalf("error leaks: %s", msg)
			}
		})
	}
}
