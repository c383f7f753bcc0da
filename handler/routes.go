package handler

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"vodrefresh/handler/webhook"
)

// buildVerifiers reads each route's secrets from the environment and makes
// its verifier. A missing or empty secret is a start-up error; auth: none is
// allowed but logged as a warning.
func (c *Config) buildVerifiers(getenv func(string) string, log *slog.Logger, window time.Duration) error {
	var problems []string
	for _, r := range c.routes {
		v, err := r.verifier(getenv, window)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s): %v", r.name, r.Path, err))
			continue
		}
		if v == nil {
			log.Warn("webhook route accepts unauthenticated requests (auth: none)", "route", r.Path, "kind", r.Kind)
		}
		r.verify = v
	}
	if len(problems) > 0 {
		return configError(problems)
	}
	return nil
}

// verifier makes the route's verifier; nil means auth: none. A non-zero
// window overrides the route's replay window (for local runs of old samples).
func (r *route) verifier(getenv func(string) string, window time.Duration) (webhook.Verifier, error) {
	auth := r.effectiveAuth()
	if auth == "none" {
		return nil, nil
	}
	secrets := strings.Fields(getenv(r.SecretEnv))
	if len(secrets) == 0 {
		return nil, fmt.Errorf("secretEnv: environment variable %s is not set or empty", r.SecretEnv)
	}
	if window == 0 {
		window = r.ReplayWindow
	}
	if window == 0 {
		window = DefaultReplayWindow
	}
	switch auth {
	case "ghost":
		return webhook.NewGhostVerifier(secrets, window), nil
	case "wordpress":
		return webhook.NewWordPressVerifier(secrets), nil
	case "contentful":
		return webhook.NewContentfulVerifier(secrets, window), nil
	case "sanity":
		return webhook.NewSanityVerifier(secrets, window), nil
	case "standard-webhooks":
		v, err := webhook.NewStandardVerifier(secrets, window)
		if err != nil {
			return nil, fmt.Errorf("secret in %s: %w", r.SecretEnv, err)
		}
		return v, nil
	case "token":
		return webhook.NewTokenVerifier(secrets), nil
	case "hmac-sha256":
		header, prefix := r.HMAC.Header, ""
		if header == "" {
			header, prefix = "X-Hub-Signature-256", "sha256="
		}
		if r.HMAC.Prefix != nil {
			prefix = *r.HMAC.Prefix
		}
		return webhook.NewHMACVerifier(secrets, header, prefix, r.HMAC.Encoding), nil
	}
	return nil, fmt.Errorf("unknown auth %q", auth)
}
