package function

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"vodrefresh/handler/config"
)

// The routes are built once, by path, and what is wrong with one is logged
// then: a route out of service, one that accepts unauthenticated requests,
// a secret with white space; never a secret.
func TestBuildRoutesLogs(t *testing.T) {
	secret := "It's a Secret to Everybody"
	cfg := &config.Config{Webhooks: []config.WebhookRoute{
		{Path: "/h", Kind: "generic", Auth: "hmac-sha256", SecretEnv: "HUB"},
		{Path: "/down", Kind: "ghost", SecretEnv: "MISSING"},
		{Path: "/open", Kind: "strapi", Auth: "none"},
	}}
	var logs bytes.Buffer
	routes := buildRoutes(cfg, func(k string) string { return map[string]string{"HUB": secret}[k] }, slog.New(slog.NewJSONHandler(&logs, nil)), 0)
	if len(routes) != 3 || routes["/h"].Verifier == nil || routes["/down"].Down == "" || routes["/open"].Verifier != nil {
		t.Fatalf("routes %v", routes)
	}
	for _, want := range []string{"used whole", "out of service", "webhooks[1]", "MISSING", "auth: none"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log %s does not mention %q", logs.String(), want)
		}
	}
	if strings.Contains(logs.String(), "Secret to") {
		t.Errorf("the log holds the secret: %s", logs.String())
	}
}
