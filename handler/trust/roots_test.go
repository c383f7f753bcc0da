package trust

import (
	"crypto/x509"
	"encoding/pem"
	"io/fs"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// selfSigned returns a fresh certificate in PEM, and parsed.
func selfSigned(t *testing.T) ([]byte, *x509.Certificate) {
	t.Helper()
	c, err := testfix.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(c.CertPEM)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c.CertPEM, cert
}

// TestLoadRoots: the roots are those of the first bundle that holds a
// certificate, with SSL_CERT_FILE's; nil (crypto/x509's own choice) off
// Linux, with SSL_CERT_DIR, with an SSL_CERT_FILE that cannot be read, or
// when no bundle holds one.
func TestLoadRoots(t *testing.T) {
	good, cert := selfSigned(t)
	own, ownCert := selfSigned(t)
	other, _ := selfSigned(t)
	files := map[string][]byte{
		"/bundle/good.pem":  good,
		"/bundle/own.pem":   own,
		"/bundle/other.pem": other,
		"/bundle/junk.pem":  []byte("not a certificate\n"),
		"/bundle/empty.pem": nil,
	}
	read := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fs.ErrNotExist
	}
	for _, tc := range []struct {
		name         string
		goos         string
		env          map[string]string
		files        []string
		trusts, owns bool // whether the pool verifies cert, and ownCert
		none         bool // want nil
	}{
		{"first bundle that exists", "linux", nil, []string{"/missing.pem", "/bundle/good.pem", "/bundle/other.pem"}, true, false, false},
		{"a bundle that holds none is passed over", "linux", nil, []string{"/bundle/junk.pem", "/bundle/empty.pem", "/bundle/good.pem"}, true, false, false},
		{"the first bundle wins", "linux", nil, []string{"/bundle/other.pem", "/bundle/good.pem"}, false, false, false},
		{"SSL_CERT_FILE with the first bundle", "linux", map[string]string{envCertFile: "/bundle/own.pem"}, []string{"/bundle/good.pem"}, true, true, false},
		{"SSL_CERT_FILE and no bundle", "linux", map[string]string{envCertFile: "/bundle/own.pem"}, []string{"/missing.pem"}, false, false, true},
		{"SSL_CERT_FILE naming the bundle", "linux", map[string]string{envCertFile: "/bundle/good.pem"}, []string{"/bundle/good.pem", "/bundle/other.pem"}, true, false, false},
		{"SSL_CERT_FILE naming a bundle that holds none", "linux", map[string]string{envCertFile: "/bundle/junk.pem"}, []string{"/bundle/junk.pem", "/bundle/good.pem"}, true, false, false},
		{"SSL_CERT_FILE unreadable", "linux", map[string]string{envCertFile: "/missing.pem"}, []string{"/bundle/good.pem"}, false, false, true},
		{"SSL_CERT_FILE and no bundle hold none", "linux", map[string]string{envCertFile: "/bundle/junk.pem"}, []string{"/missing.pem"}, false, false, true},
		{"SSL_CERT_DIR leaves it to crypto/x509", "linux", map[string]string{envCertDir: "/etc/ssl/certs"}, []string{"/bundle/good.pem"}, false, false, true},
		{"no bundle", "linux", nil, []string{"/missing.pem", "/bundle/junk.pem"}, false, false, true},
		{"not Linux", "darwin", nil, []string{"/bundle/good.pem"}, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := loadRoots(rootSource{goos: tc.goos, getenv: func(k string) string { return tc.env[k] }, files: tc.files, readFile: read})
			if (pool == nil) != tc.none {
				t.Fatalf("pool %v, want nil: %t", pool, tc.none)
			}
			if pool == nil {
				return
			}
			for _, c := range []struct {
				cert *x509.Certificate
				want bool
			}{{cert, tc.trusts}, {ownCert, tc.owns}} {
				if _, err := c.cert.Verify(x509.VerifyOptions{Roots: pool}); (err == nil) != c.want {
					t.Errorf("verify %s: %v, want trusted: %t", c.cert.Subject, err, c.want)
				}
			}
		})
	}
}
