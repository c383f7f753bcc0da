package store

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
)

// TestRedisOverTLS runs the store against a redis-server that speaks TLS
// alone (rediss://): its certificate is verified against the process's CA
// roots (trust.Roots), and a server they do not vouch for is refused,
// unless the URL says skip_verify.
func TestRedisOverTLS(t *testing.T) {
	cert, err := testfix.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	other, err := testfix.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	srv := redistest.Start(t, redistest.TLS(cert), redistest.Password("tls-store-pass"))
	if !strings.HasPrefix(srv.URL(0), "rediss://") {
		t.Fatalf("URL %s", srv.URL(0))
	}
	for _, tc := range []struct {
		name   string
		roots  []byte // the CA roots, in PEM
		suffix string // appended to the URL
		ok     bool
	}{
		{"the roots vouch for it", cert.CertPEM, "", true},
		{"they do not", other.CertPEM, "", false},
		{"they do not, and the URL says skip_verify", other.CertPEM, "?skip_verify=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(f func() *x509.CertPool) { rootCAs = f }(rootCAs)
			rootCAs = func() *x509.CertPool {
				pool := x509.NewCertPool()
				pool.AppendCertsFromPEM(tc.roots)
				return pool
			}
			r, err := OpenRedis(srv.URL(0) + tc.suffix)
			if !tc.ok {
				if err == nil {
					r.Close()
					t.Fatal("opened a store whose certificate no root vouches for")
				}
				if !strings.Contains(err.Error(), "certificate") {
					t.Errorf("the error does not say what failed: %v", err)
				}
				checkMessage(t, err.Error(), srv.Password)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ctx := context.Background()
			k := []Key{KeyOf("over TLS")}
			if err := r.Mark(ctx, k, time.Minute); err != nil {
				t.Fatal(err)
			}
			if seen, err := r.Seen(ctx, k); err != nil || !seen[0] {
				t.Fatalf("Seen = %v, %v after Mark", seen, err)
			}
		})
	}
}
