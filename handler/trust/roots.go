// Package trust is the CA roots that the function's TLS connections
// verify against, VOD's and the store's: loaded once a process, from the
// system's CA bundle file, where crypto/x509 would read the bundle and
// then the directory that holds its roots again.
//
// It imports nothing of vodrefresh.
package trust

import (
	"crypto/x509"
	"os"
	"runtime"
	"sync"
)

// Environment variables that name where Go finds the CA roots on Linux.
const (
	envCertFile = "SSL_CERT_FILE"
	envCertDir  = "SSL_CERT_DIR"
)

// bundleFiles are the CA bundle files that Linux distributions install
// (Debian and Ubuntu first, as on Function Compute), in the order Go's
// crypto/x509 tries them.
var bundleFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// rootSource is where loadRoots looks: the environment, the files to try,
// and how to read one.
type rootSource struct {
	goos     string
	getenv   func(string) string
	files    []string
	readFile func(string) ([]byte, error)
}

// loadRoots returns the CA roots that TLS connections are verified
// against: the certificates of the first of bundleFiles that holds any,
// with SSL_CERT_FILE's before them when it is set. It returns nil, which
// leaves the choice to crypto/x509, on a system other than Linux, when
// SSL_CERT_DIR is set, when SSL_CERT_FILE cannot be read, and when no
// bundle holds a certificate (the system's roots may then be in the
// directory alone).
//
// On Linux crypto/x509 reads a bundle file (SSL_CERT_FILE's, or the first
// of the same list) and then every file in /etc/ssl/certs, where
// Debian-based images, Function Compute's among them, keep the roots of
// the bundle again, one file each: 24-38 ms on a cold instance of this
// project's test machine, against 7 ms for the bundle alone
// (BENCHMARKS.md). The bundle is what update-ca-certificates writes from
// those files, so it holds the same roots once the system's certificates
// are up to date.
func loadRoots(src rootSource) *x509.CertPool {
	if src.goos != "linux" || src.getenv(envCertDir) != "" {
		return nil
	}
	pool := x509.NewCertPool()
	own := src.getenv(envCertFile)
	ownHeld := false // whether SSL_CERT_FILE held a certificate
	if own != "" {
		pem, err := src.readFile(own)
		if err != nil {
			return nil
		}
		ownHeld = pool.AppendCertsFromPEM(pem)
	}
	for _, f := range src.files {
		if f == own {
			if ownHeld {
				return pool // read already
			}
			continue
		}
		if pem, err := src.readFile(f); err == nil && pool.AppendCertsFromPEM(pem) {
			return pool
		}
	}
	return nil
}

// Roots returns the process's CA roots, loading them on the first call
// (loadRoots); nil leaves the choice to crypto/x509. Call it in a goroutine
// to have them loaded while other work goes on: later calls wait for that
// load.
var Roots = sync.OnceValue(func() *x509.CertPool {
	return loadRoots(rootSource{goos: runtime.GOOS, getenv: os.Getenv, files: bundleFiles, readFile: os.ReadFile})
})
