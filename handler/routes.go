package handler

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/webhook"
)

// route is a webhook route with its verifier, made from its secrets.
type route struct {
	*config.WebhookRoute
	name   string           // "webhooks[0]", for messages
	verify webhook.Verifier // nil for auth: none
	// down, when set, is why the route is out of service: its secret is
	// missing or unusable. It names the variable, never its value.
	down string
}

// buildRoutes reads each route's secrets from the environment and makes its
// verifier. A route whose secret is missing or unusable is out of service
// on its own, logged once here; the other routes and the OSS rules work.
// auth: none is allowed but logged as a warning. A non-zero window
// overrides every route's replay window (for local runs of old samples).
func buildRoutes(cfg *config.Config, getenv func(string) string, log *slog.Logger, window time.Duration) map[string]*route {
	routes := make(map[string]*route, len(cfg.Webhooks))
	for i := range cfg.Webhooks {
		w := &cfg.Webhooks[i]
		r := &route{WebhookRoute: w, name: fmt.Sprintf("webhooks[%d]", i)}
		routes[w.Path] = r
		v, err := verifier(w, getenv, window)
		switch {
		case err != nil:
			r.down = fmt.Sprintf("route %s is out of service: %v", w.Path, err)
			log.Error("webhook route out of service; it answers 503 until its secret is set", "route", w.Path, "name", r.name, "error", err.Error())
		case v == nil:
			log.Warn("webhook route accepts unauthenticated requests (auth: none)", "route", w.Path, "kind", w.Kind)
		}
		r.verify = v
	}
	return routes
}

// verifier makes a route's verifier; nil means auth: none.
func verifier(w *config.WebhookRoute, getenv func(string) string, window time.Duration) (webhook.Verifier, error) {
	a := webhook.Auth{Scheme: w.Auth, Window: w.Window(), Header: w.HMAC.Header, Prefix: w.HMAC.Prefix, Encoding: w.HMAC.Encoding}
	if a.Scheme == "" {
		a.Scheme = webhook.DefaultAuth(w.Kind)
	}
	if window != 0 {
		a.Window = window
	}
	if a.Scheme != "none" {
		a.Secrets = strings.Fields(getenv(w.SecretEnv))
		if len(a.Secrets) == 0 {
			return nil, fmt.Errorf("secretEnv: environment variable %s is not set or empty", w.SecretEnv)
		}
	}
	v, err := webhook.NewVerifier(a)
	if err != nil {
		return nil, fmt.Errorf("secret in %s: %w", w.SecretEnv, err)
	}
	return v, nil
}
