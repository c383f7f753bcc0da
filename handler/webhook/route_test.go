package webhook_test

import (
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// githubVector is GitHub's documented test vector ("Validating webhook
// deliveries", shared/FACTS.md): its secret has spaces.
var githubVector = struct{ secret, body, header string }{
	"It's a Secret to Everybody", "Hello, World!",
	"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
}

// secretCase is a route's auth, the environment it reads its secrets
// from, and what must verify (signed with each of accept, for hmac-sha256)
// or why it must be out of service.
type secretCase struct {
	name    string
	route   config.WebhookRoute
	env     map[string]string
	accept  []string // secrets whose signatures must verify
	refuse  []string // secrets whose signatures must not
	err     string   // substring of the reason the route is out of service
	warning string   // substring of the route's warning
}

var hubRoute = config.WebhookRoute{Path: "/h", Kind: "generic", Auth: "hmac-sha256", SecretEnv: "HUB", SecretEnvPrevious: "HUB_OLD"}

var secretCases = []secretCase{
	{name: "a secret with spaces is one secret", route: hubRoute, env: map[string]string{"HUB": githubVector.secret},
		accept: []string{githubVector.secret}, refuse: []string{"It's", "Everybody"}, warning: "used whole"},
	{name: "rotation: the previous secret in its own variable", route: hubRoute,
		env:    map[string]string{"HUB": "new secret 2", "HUB_OLD": githubVector.secret},
		accept: []string{"new secret 2", githubVector.secret}, refuse: []string{"new", "secret"}},
	{name: "no rotation under way: the previous variable is empty", route: hubRoute,
		env: map[string]string{"HUB": "s3cret", "HUB_OLD": ""}, accept: []string{"s3cret"}, refuse: []string{""}},
	{name: "the current secret is missing", route: hubRoute, env: map[string]string{"HUB_OLD": "old"}, err: "HUB is not set or empty"},
	{name: "a bearer token cannot hold a space", route: config.WebhookRoute{Path: "/s", Kind: "strapi", SecretEnv: "TOK"},
		env: map[string]string{"TOK": "old-token new-token"}, err: "secretEnvPrevious"},
	{name: "nor can a whsec_ key", route: config.WebhookRoute{Path: "/g", Kind: "generic", SecretEnv: "STD"},
		env: map[string]string{"STD": "whsec_AAAA whsec_BBBB"}, err: "white space"},
}

// Secrets are taken whole, spaces included, and rotation uses a second
// variable; a route whose secret cannot be used is out of service, saying
// why, and neither the reason nor the warning holds a secret.
func TestRouteSecrets(t *testing.T) {
	for _, tt := range secretCases {
		t.Run(tt.name, func(t *testing.T) { checkSecrets(t, tt) })
	}
}

func checkSecrets(t *testing.T, tt secretCase) {
	r := webhook.NewRoute(0, &tt.route, func(k string) string { return tt.env[k] }, 0)
	for _, s := range tt.env {
		if s != "" && (strings.Contains(r.Down, s) || strings.Contains(r.Warning, s)) {
			t.Errorf("route %+v holds the secret %q", r, s)
		}
	}
	if tt.err != "" {
		if !strings.Contains(r.Down, tt.err) {
			t.Fatalf("route out of service with %q, want a reason that mentions %q", r.Down, tt.err)
		}
		return
	}
	if r.Down != "" {
		t.Fatal(r.Down)
	}
	for _, s := range tt.accept {
		if _, err := r.Verifier.Verify(hubRequest(s, "{}"), time.Now()); err != nil {
			t.Errorf("signed with %q: %v", s, err)
		}
	}
	for _, s := range tt.refuse {
		if _, err := r.Verifier.Verify(hubRequest(s, "{}"), time.Now()); err == nil {
			t.Errorf("signed with %q: accepted", s)
		}
	}
	if !strings.Contains(r.Warning, tt.warning) {
		t.Errorf("warning %q does not mention %q", r.Warning, tt.warning)
	}
}

// hubRequest is a request signed GitHub's way with secret.
func hubRequest(secret, body string) *webhook.Request {
	r := &webhook.Request{Method: "POST", Path: "/h", Header: map[string][]string{}, Body: []byte(body)}
	r.Header.Set("X-Hub-Signature-256", webhooktest.SignHMAC(secret, r.Body, "sha256=", "hex"))
	return r
}

// GitHub's published vector verifies through a route whose secretEnv holds
// the secret as GitHub documents it.
func TestGitHubVectorThroughRoute(t *testing.T) {
	rt := webhook.NewRoute(0, &hubRoute, func(k string) string { return map[string]string{"HUB": githubVector.secret}[k] }, 0)
	if rt.Down != "" {
		t.Fatal(rt.Down)
	}
	r := &webhook.Request{Method: "POST", Path: "/h", Header: map[string][]string{}, Body: []byte(githubVector.body)}
	r.Header.Set("X-Hub-Signature-256", githubVector.header)
	if _, err := rt.Verifier.Verify(r, time.Now()); err != nil {
		t.Fatalf("GitHub's vector: %v", err)
	}
}
