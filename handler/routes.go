package handler

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

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
		v, warning, err := verifier(w, getenv, window)
		switch {
		case err != nil:
			r.down = fmt.Sprintf("route %s is out of service: %v", w.Path, err)
			log.Error("webhook route out of service; it answers 503 until its secret is set", "route", w.Path, "name", r.name, "error", err.Error())
		case v == nil:
			log.Warn("webhook route accepts unauthenticated requests (auth: none)", "route", w.Path, "kind", w.Kind)
		}
		if warning != "" {
			log.Warn(warning, "route", w.Path, "kind", w.Kind)
		}
		r.verify = v
	}
	return routes
}

// verifier makes a route's verifier; nil means auth: none. The warning, when
// there is one, is for the log.
func verifier(w *config.WebhookRoute, getenv func(string) string, window time.Duration) (webhook.Verifier, string, error) {
	a := webhook.Auth{Scheme: w.Auth, Window: w.Window(), Header: w.HMAC.Header, Prefix: w.HMAC.Prefix, Encoding: w.HMAC.Encoding}
	if a.Scheme == "" {
		a.Scheme = webhook.DefaultAuth(w.Kind)
	}
	if window != 0 {
		a.Window = window
	}
	var warning string
	if a.Scheme != "none" {
		var err error
		if a.Secrets, warning, err = routeSecrets(w, a.Scheme, getenv); err != nil {
			return nil, "", err
		}
	}
	v, err := webhook.NewVerifier(a)
	if err != nil {
		return nil, "", fmt.Errorf("secret in %s: %w", w.SecretEnv, err)
	}
	return v, warning, nil
}

// routeSecrets reads the route's secret from secretEnv, whole, and the one
// being rotated out from secretEnvPrevious when that variable is set. White
// space is part of a secret (GitHub's documented test secret has spaces), so
// rotation never splits a value; a bearer token or a whsec_ key cannot hold
// white space, so one that does is refused as a leftover of a space-separated
// list.
func routeSecrets(w *config.WebhookRoute, scheme string, getenv func(string) string) ([]string, string, error) {
	var secrets []string
	warning := ""
	for _, name := range []string{w.SecretEnv, w.SecretEnvPrevious} {
		v := ""
		if name != "" {
			v = getenv(name)
		}
		if strings.TrimSpace(v) == "" {
			if name == w.SecretEnv {
				return nil, "", fmt.Errorf("secretEnv: environment variable %s is not set or empty", name)
			}
			continue
		}
		if strings.ContainsFunc(v, unicode.IsSpace) {
			if scheme == "token" || scheme == "standard-webhooks" {
				return nil, "", fmt.Errorf("environment variable %s holds white space, which a %s secret cannot; "+
					"to rotate, put the old secret in the variable that secretEnvPrevious names", name, scheme)
			}
			warning = "webhook secret in " + name + " holds white space: it is used whole, spaces included " +
				"(to rotate, put the old secret in the variable that secretEnvPrevious names)"
		}
		secrets = append(secrets, v)
	}
	return secrets, warning, nil
}
