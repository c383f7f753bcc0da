package webhook

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"vodrefresh/handler/config"
)

// Route is one webhook route as the HTTP trigger serves it: its
// configuration, the verifier made from its secrets, and why it is out of
// service when it is. It is the one route type: the caller keeps the routes
// in one map by path, and refresh keeps each route's compiled templates by
// its *config.WebhookRoute (refresh imports webhook, so they cannot live
// here).
type Route struct {
	*config.WebhookRoute
	Name     string   // "webhooks[0]", for messages
	Verifier Verifier // nil for auth: none
	// Down, when set, is why the route is out of service: its secret is
	// missing or unusable. It names the variable, never its value.
	Down string
	// Warning, when set, is for the log and for check: the secret holds
	// white space, which is used as part of it, or is short enough to guess
	// (under MinSecretBytes). It names the variable, never its value.
	Warning string
}

// OutOfService is the answer body's error for a route that is out of
// service. It names no environment variable: the request may come from
// anyone, while Down, which names it, is for the log and for check.
const OutOfService = "this webhook route is out of service: its secret is missing or unusable; the function's log says which"

// MinSecretBytes is the length under which a secret (a Standard Webhooks
// key once decoded) is reported as weak: it works, but can be guessed.
const MinSecretBytes = 16

// NewRoute makes route i of the configuration, w: it reads the route's
// secrets through getenv and makes its verifier. A route whose secret is
// missing or unusable is made out of service (Down says why); a non-zero
// window overrides the route's replay window (for local runs of old
// samples).
func NewRoute(i int, w *config.WebhookRoute, getenv func(string) string, window time.Duration) *Route {
	r := &Route{WebhookRoute: w, Name: fmt.Sprintf("webhooks[%d]", i)}
	v, warning, err := routeVerifier(w, getenv, window)
	if err != nil {
		r.Down = fmt.Sprintf("route %s is out of service: %v", w.Path, err)
		return r
	}
	r.Verifier, r.Warning = v, warning
	if v == nil && w.Kind == "vod" {
		// VOD's AuthSwitch off: anyone who finds the URL can make the
		// function purge any VOD ID's folder, spending directory quota.
		r.Warning = joinWarnings(r.Warning, "vod route with auth: none (VOD's AuthSwitch off): anyone who knows the URL can purge any video's folder and spend the directory quota; turn AuthSwitch on and set secretEnv")
	}
	return r
}

func joinWarnings(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// routeVerifier makes a route's verifier; nil means auth: none. The
// warning, when there is one, is for the log.
func routeVerifier(w *config.WebhookRoute, getenv func(string) string, window time.Duration) (Verifier, string, error) {
	a := Auth{Scheme: w.Auth, Window: w.Window(), Header: w.HMAC.Header, Prefix: w.HMAC.Prefix, Encoding: w.HMAC.Encoding, CallbackURL: w.CallbackURL}
	if a.Scheme == "" {
		a.Scheme = DefaultAuth(w.Kind)
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
	v, err := NewVerifier(a)
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
	var secrets, warnings []string
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
			warnings = append(warnings, "webhook secret in "+name+" holds white space: it is used whole, spaces included "+
				"(to rotate, put the old secret in the variable that secretEnvPrevious names)")
		}
		if n := secretBytes(scheme, v); n < MinSecretBytes {
			warnings = append(warnings, fmt.Sprintf("webhook secret in %s is weak: %d bytes, under %d; use at least 32 random bytes", name, n, MinSecretBytes))
		}
		secrets = append(secrets, v)
	}
	return secrets, strings.Join(warnings, "; "), nil
}

// secretBytes is the length of the key a secret gives the scheme: a
// Standard Webhooks secret's decoded key, else the secret itself. A secret
// that does not decode counts as its text: the verifier refuses it anyway.
func secretBytes(scheme, v string) int {
	if scheme == "standard-webhooks" {
		if k, err := standardKey(v); err == nil {
			return len(k)
		}
	}
	return len(v)
}

// IsVOD reports whether the route is ApsaraVideo VOD's callback.
func (r *Route) IsVOD() bool { return r.Kind == "vod" }
