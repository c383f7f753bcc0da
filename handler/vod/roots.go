package vod

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

// loadRoots returns the CA roots that HTTPS calls to VOD are verified
// against: the certificates of one bundle file, SSL_CERT_FILE's or else the
// first of bundleFiles that holds any. It returns nil, which leaves the
// choice to crypto/x509, on a system other than Linux, when SSL_CERT_DIR
// is set, and when no bundle holds a certificate.
//
// On Linux, crypto/x509 reads a bundle file and then every file in
// /etc/ssl/certs, where Debian-based images, Function Compute's among them,
// keep the same roots again, one file each: about 25 ms on a cold instance
// against 7 ms for the bundle alone (BENCHMARKS.md). The bundle is what
// update-ca-certificates writes, so it holds every root the directory
// does once the system's certificates are up to date.
func loadRoots(src rootSource) *x509.CertPool {
	if src.goos != "linux" || src.getenv(envCertDir) != "" {
		return nil
	}
	files := src.files
	if f := src.getenv(envCertFile); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		pem, err := src.readFile(f)
		if err != nil {
			continue
		}
		pool := x509.NewCertPool()
		if pool.AppendCertsFromPEM(pem) {
			return pool
		}
	}
	return nil
}

// systemRoots loads the process's roots once; warm starts it early.
var systemRoots = sync.OnceValue(func() *x509.CertPool {
	return loadRoots(rootSource{goos: runtime.GOOS, getenv: os.Getenv, files: bundleFiles, readFile: os.ReadFile})
})
