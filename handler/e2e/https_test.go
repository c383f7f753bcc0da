package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// systemCerts is where Debian-based images, Function Compute's among
// them, keep the roots of their CA bundle again, a file each.
const systemCerts = "/etc/ssl/certs"

// httpsVOD starts the fake VOD over HTTPS with a certificate of its own,
// and writes that certificate as a CA bundle, for SSL_CERT_FILE: the
// function verifies VOD against it and the system's roots.
func httpsVOD(tb testing.TB, creds map[string]string) (*vodfake.Server, string) {
	tb.Helper()
	c, err := testfix.SelfSigned()
	if err != nil {
		tb.Fatal(err)
	}
	vod, err := vodfake.Start(vodfake.Options{Credentials: creds, Lifetime: 10 * time.Minute, MaxRequests: 1_000_000, TLS: c.Config})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(vod.Close)
	bundle := filepath.Join(tb.TempDir(), "vodfake.pem")
	if err := os.WriteFile(bundle, c.CertPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	return vod, bundle
}

// The compiled binary refreshes over HTTPS, as deployed, verifying VOD's
// certificate against the bundle; against a bundle without the fake's
// root it sends nothing and the invocation fails, to be retried.
func TestRefreshOverHTTPS(t *testing.T) {
	creds := map[string]string{stsKey: stsSecret, envKey: envSecret}
	vod, bundle := httpsVOD(t, creds)
	_, other := httpsVOD(t, creds)
	for _, tc := range []struct {
		name   string
		bundle string
		sent   int
	}{
		{"trusted", bundle, 1},
		{"another root", other, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(vod.Requests())
			r := newProcess(t, vod, config, map[string]string{"SSL_CERT_FILE": tc.bundle})
			o := r.invoke(t, ossEvent("images/cover.jpg"), fcemu.Invocation{})
			var sent int
			for _, q := range vod.Requests()[before:] {
				if q.Action == "RefreshVodObjectCaches" {
					sent++
				}
			}
			if sent != tc.sent {
				t.Fatalf("%d refreshes reached VOD, want %d; answer %s %+v", sent, tc.sent, o.Response, o.Error)
			}
			if (o.Error == nil) != (tc.sent == 1) {
				t.Fatalf("answer %s, error %+v", o.Response, o.Error)
			}
			if o.Error != nil && !strings.Contains(o.Error.Message, "certificate") {
				t.Fatalf("the error does not say what failed: %s", o.Error.Message)
			}
		})
	}
}

// BenchmarkColdStartToFirstAnswerHTTPS is BenchmarkColdStartToFirstAnswer
// with VOD over HTTPS, as deployed, the fake's certificate in SSL_CERT_FILE.
// It reports vodrefresh as it loads the CA roots (that file and the
// system's bundle, from the start of the first invocation), the same
// binary with SSL_CERT_DIR set, which leaves the loading to crypto/x509
// (that file, then every file in /etc/ssl/certs, on the first call), the
// hello-world function answering the same event, and hellolibs making the
// same two calls with the SDK's own client (which leaves the roots to
// crypto/x509).
func BenchmarkColdStartToFirstAnswerHTTPS(b *testing.B) {
	if raceEnabled {
		b.Skip("the binary is built with -race")
	}
	vod, bundle := httpsVOD(b, map[string]string{stsKey: stsSecret})
	event := ossEvent("images/cover.jpg")
	inv := fcemu.Invocation{Credentials: fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}}
	env := func(extra ...string) map[string]string {
		m := map[string]string{"REFRESH_CONFIG": config, "HOOK_SECRET": "whsec_a2V5", "VOD_ENDPOINT": vod.Endpoint(), "SSL_CERT_FILE": bundle}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	var ours, dirs, floor, libs []time.Duration
	for b.Loop() {
		ours = append(ours, coldAnswer(b, binPath, env(), event, inv))
		dirs = append(dirs, coldAnswer(b, binPath, env("SSL_CERT_DIR", systemCerts), event, inv))
		floor = append(floor, coldAnswer(b, helloPath(b), map[string]string{}, event, inv))
		libs = append(libs, coldAnswer(b, libsPath(b), env(), event, inv))
	}
	reportFloors(b, ours, floor, libs)
	b.ReportMetric(ms(median(dirs)), "x509-dirs-ms")
	b.ReportMetric(float64(median(dirs))/float64(median(floor)), "x509-dirs-ratio")
}
