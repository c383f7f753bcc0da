package config_test

import (
	"strings"
	"testing"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
)

// A route's kind, auth and defaults are checked against change's names:
// the message lists the names declared there and suggests the nearest.
func TestWebhookNames(t *testing.T) {
	tests := []struct {
		route string
		want  string
	}{
		{"{path: /g, kind: gost, secretEnv: S}",
			`webhooks[0].kind: must be one of ` + strings.Join(change.Kinds(), ", ") + ` (got "gost"); did you mean ghost?`},
		{"{path: /g, kind: generic, auth: hmac-sha265, secretEnv: S}",
			`webhooks[0].auth: must be one of ` + strings.Join(change.Schemes(), ", ") + ` (got "hmac-sha265"); did you mean hmac-sha256?`},
		{"{path: /g, kind: generic, auth: cookie, secretEnv: S}",
			`webhooks[0].auth: must be one of ` + strings.Join(change.Schemes(), ", ") + ` (got "cookie")`},
		{"{path: /g, kind: ghost, secretEnv: S, defaults: {tags: news}}",
			`webhooks[0].defaults[tags]: must be one of ` + strings.Join(change.DefaultFields(), ", ") + ` (got "tags"); did you mean tag?`},
	}
	for _, tt := range tests {
		_, err := config.Parse([]byte("domains: [https://www.example.com]\nwebhooks:\n  - " + tt.route + "\n"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v\nwant one that says %s", tt.route, err, tt.want)
		}
		if tt.want[len(tt.want)-1] == ')' && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%s: %v suggests a name nowhere near", tt.route, err)
		}
	}
	for _, kind := range change.Kinds() {
		if _, err := config.Parse([]byte("domains: [https://www.example.com]\nwebhooks:\n  - {path: /k, kind: " + kind + ", auth: none}\n")); err != nil {
			t.Errorf("kind %s: %v", kind, err)
		}
	}
}
