package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/webhook"
)

// send-sample signs each sample anew for its route and sends it to serve,
// which accepts it without a widened replay window.
func TestSendSample(t *testing.T) {
	env := serveEnv(t)
	env["REFRESH_CONFIG_FILE"] = abs(t, env["REFRESH_CONFIG_FILE"])
	deploy := abs(t, "testdata/deploy.yaml")
	t.Chdir("../..") // where a sample's name (ghost) finds it, in events/
	s := startServe(t, env)
	addr := strings.TrimPrefix(s.base, "http://")
	for _, tt := range []struct {
		sample, route string
	}{
		{"ghost", "/hooks/blog"},
		{"ghost", "/hooks/blog"}, // again, signed anew (TestSameSignedBytesTwice sends the same bytes twice)
		{"events/http-ghost.json", "/hooks/blog"},
		{"events/http-contentful.json", "/hooks/contentful"}, // a query, and a topic among the signed headers
		{"events/http-generic.json", "/hooks/generic"},
		{"events/http-github-style.json", "/hooks/github-style"},
		{"events/http-sanity.json", "/hooks/sanity"},
		{"events/http-strapi.json", "/hooks/strapi"},
		{"events/http-strapi-media.json", "/hooks/strapi"},
		{"events/http-wordpress.json", "/hooks/wordpress"}, // a base64-encoded body
		{"events/http-wordpress-signed.json", "/hooks/wordpress-signed"},
	} {
		t.Run(tt.sample, func(t *testing.T) {
			r := runCLI(t, env, "", "send-sample", "--addr", addr, tt.sample)
			if r.code != 0 || !strings.Contains(r.stdout, `"status":"accepted","route":"`+tt.route+`"`) || !strings.Contains(r.stdout, `"dryRun":true`) {
				t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, "POST "+s.base+tt.route) || !strings.Contains(r.stderr, "202 Accepted") {
				t.Errorf("stderr %q does not say what was sent and how it was answered", r.stderr)
			}
		})
	}
	with := func(k, v string) map[string]string {
		e := map[string]string{}
		for key, val := range env {
			e[key] = val
		}
		e[k] = v
		return e
	}
	for _, tt := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"another variable holds the secret", with("OTHER_SECRET", env["BLOG_WEBHOOK_SECRET"]), []string{"--secret-env", "OTHER_SECRET", "ghost"}, 0, "202 Accepted"},
		{"the wrong secret", with("OTHER_SECRET", "not-the-secret"), []string{"--secret-env", "OTHER_SECRET", "ghost"}, 1, "401 Unauthorized"},
		{"no secret", with("BLOG_WEBHOOK_SECRET", ""), []string{"ghost"}, 1, "/hooks/blog: its secret, BLOG_WEBHOOK_SECRET, is not set in this environment"},
		{"a route the configuration lacks", with("REFRESH_CONFIG_FILE", deploy), []string{"ghost"}, 1, "the configuration has no route /hooks/blog for the sample (routes: /hooks/generic)"},
		{"an OSS event", env, []string{"events/oss-put.json"}, 1, "events/oss-put.json is not an HTTP trigger event (its shape is oss): run it with invoke"},
		{"no such sample", env, []string{"ghosty"}, 1, "events/http-ghosty.json: no such file"},
		{"another host", env, []string{"--addr", "192.0.2.10:9000", "ghost"}, 2, "--addr 192.0.2.10:9000: send-sample sends to a local serve only"},
		{"a name", env, []string{"--addr", "vod.mysite.com:9000", "ghost"}, 2, "sends to a local serve only"},
		{"no port", env, []string{"--addr", "127.0.0.1", "ghost"}, 2, "missing port"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"send-sample", "--addr", addr}, tt.args...)
			r := runCLI(t, tt.env, "", args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}
	s.stop(t)
}

// abs is name made absolute, for a test that changes directory.
func abs(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The signer has a scheme for each of webhook's, and each request it
// signs passes that scheme's verifier, with the route's hmac settings.
func TestSignEveryScheme(t *testing.T) {
	base64Enc, none := "base64", ""
	secrets := map[string]string{"standard-webhooks": "whsec_c2VjcmV0LWtleQ=="}
	routes := []config.WebhookRoute{{Kind: "ghost"}, {Kind: "generic", Auth: "hmac-sha256", HMAC: config.HMACConfig{Header: "X-Signature", Prefix: &none, Encoding: base64Enc}}}
	for _, scheme := range webhook.Schemes() {
		routes = append(routes, config.WebhookRoute{Kind: "generic", Auth: scheme})
	}
	now := time.Now()
	for _, w := range routes {
		scheme := w.Auth
		if scheme == "" {
			scheme = webhook.DefaultAuth(w.Kind)
		}
		t.Run(scheme+w.HMAC.Header, func(t *testing.T) {
			secret := secrets[scheme]
			if secret == "" {
				secret = "It's a Secret to Everybody"
			}
			w.SecretEnv = "SECRET"
			if scheme == "vod" {
				w.CallbackURL = "https://hooks.mysite.com/hooks/x"
			}
			r := &event.HTTPRequest{Method: "POST", Path: "/hooks/x", Query: map[string]string{"env": "master"},
				Headers: map[string]string{"x-contentful-topic": "ContentManagement.Entry.publish", "HOST": "hooks.mysite.com", "Authorization": "Bearer old"},
				Body:    []byte(`{"paths":["https://vod.mysite.com/a.mp4"]}`)}
			if err := sign(r, &w, func(string) string { return secret }, now); err != nil {
				t.Fatal(err)
			}
			v, err := webhook.NewVerifier(webhook.Auth{Scheme: scheme, Secrets: []string{secret}, Window: time.Minute,
				Header: w.HMAC.Header, Prefix: w.HMAC.Prefix, Encoding: w.HMAC.Encoding, CallbackURL: w.CallbackURL})
			if err != nil || v == nil {
				if scheme == "none" {
					return
				}
				t.Fatalf("verifier: %v", err)
			}
			if _, err := v.Verify(webhook.NewRequest(r.Method, r.Path, "", r.Query, r.Headers, r.Body), now); err != nil {
				t.Errorf("headers %q: %v", r.Headers, err)
			}
			if header(r, "Host") != "" {
				t.Errorf("the sample's Host header is sent: %q", r.Headers)
			}
		})
	}
}
