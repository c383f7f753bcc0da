package handler

import (
	"fmt"
	"strings"
	"time"

	"vodrefresh/handler/webhook"
)

// WebhookRoute is one HTTP trigger route: a path, the CMS that calls it, how
// calls are authenticated, and how its payloads become URLs.
type WebhookRoute struct {
	// Path is matched exactly against the request path.
	Path string `yaml:"path" validate:"required,startswith=/"`
	// Kind is the sender: generic, ghost, wordpress, strapi, contentful or sanity.
	Kind string `yaml:"kind" validate:"required,oneof=generic ghost wordpress strapi contentful sanity"`
	// Auth overrides the kind's own scheme.
	Auth string `yaml:"auth" validate:"omitempty,oneof=ghost wordpress contentful sanity standard-webhooks hmac-sha256 token none"`
	// SecretEnv names the environment variable that holds the secret or
	// token (several, space-separated, during a rotation).
	SecretEnv string `yaml:"secretEnv" validate:"required_unless=Auth none,omitempty,envname"`
	// HMAC configures auth: hmac-sha256.
	HMAC HMACConfig `yaml:"hmac"`
	// URLs are templates for payloads that carry no URL.
	URLs []string `yaml:"urls" validate:"dive,required"`
	// ObjectType of the refreshes the templates make: File (default) or Directory.
	ObjectType string `yaml:"objectType" validate:"omitempty,oneof=File Directory"`
	// ReplayWindow bounds the age of a signed timestamp (default 5m).
	ReplayWindow time.Duration `yaml:"replayWindow" validate:"gte=0,lte=24h"`
	// MaxPaths bounds the paths of one generic request (default 100).
	MaxPaths int `yaml:"maxPaths" validate:"gte=0,lte=1000"`
	// Wait makes the request wait, within the answer budget, for its
	// refresh tasks to finish, and report their final status.
	Wait bool `yaml:"wait"`
}

// HMACConfig describes a GitHub-style signature header.
type HMACConfig struct {
	Header   string  `yaml:"header"`                                         // default X-Hub-Signature-256
	Prefix   *string `yaml:"prefix"`                                         // default "sha256=" with the default header, else none
	Encoding string  `yaml:"encoding" validate:"omitempty,oneof=hex base64"` // default hex
}

// HTTPConfig sets the HTTP trigger's limits.
type HTTPConfig struct {
	// MaxBodyBytes caps a request body (default 1 MiB).
	MaxBodyBytes int `yaml:"maxBodyBytes" validate:"gte=0"`
	// Budget bounds the time to answer, retries included (default 1.5s,
	// inside Ghost's 2 s).
	Budget time.Duration `yaml:"budget" validate:"gte=0"`
	// DedupeWindow is how long a delivery ID is remembered (default 10m).
	DedupeWindow time.Duration `yaml:"dedupeWindow" validate:"gte=0"`
}

// Defaults for webhook routes and the HTTP trigger.
const (
	DefaultReplayWindow = 5 * time.Minute
	DefaultMaxPaths     = 100
	DefaultMaxBody      = 1 << 20
	DefaultBudget       = 1500 * time.Millisecond
	DefaultDedupeWindow = 10 * time.Minute
)

// webhookPlaceholders are the names a webhook URL template may use.
var webhookPlaceholders = []string{"slug", "id", "model", "locale", "path"}

// defaultAuth is each kind's own authentication scheme.
var defaultAuth = map[string]string{
	"generic":    "standard-webhooks",
	"ghost":      "ghost",
	"wordpress":  "wordpress",
	"strapi":     "token",
	"contentful": "contentful",
	"sanity":     "sanity",
}

// effectiveAuth returns the route's scheme.
func (w *WebhookRoute) effectiveAuth() string {
	if w.Auth != "" {
		return w.Auth
	}
	return defaultAuth[w.Kind]
}

func (c *HTTPConfig) maxBody() int {
	if c.MaxBodyBytes > 0 {
		return c.MaxBodyBytes
	}
	return DefaultMaxBody
}

func (c *HTTPConfig) budget() time.Duration {
	if c.Budget > 0 {
		return c.Budget
	}
	return DefaultBudget
}

func (c *HTTPConfig) dedupeWindow() time.Duration {
	if c.DedupeWindow > 0 {
		return c.DedupeWindow
	}
	return DefaultDedupeWindow
}

// compileWebhooks checks what tags cannot: unique paths and templates on
// the allowlist.
func (c *Config) compileWebhooks() []string {
	var problems []string
	c.routes = make(map[string]*route, len(c.Webhooks))
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		name := fmt.Sprintf("webhooks[%d]", i)
		if _, dup := c.routes[w.Path]; dup {
			problems = append(problems, fmt.Sprintf("%s.path: %q is used by another route", name, w.Path))
			continue
		}
		r := &route{WebhookRoute: w, name: name, objectType: w.ObjectType}
		if r.objectType == "" {
			r.objectType = TypeFile
		}
		for j, s := range w.URLs {
			field := fmt.Sprintf("%s.urls[%d]", name, j)
			t, err := ParseTemplate(s, webhookPlaceholders...)
			if err != nil {
				problems = append(problems, field+": "+err.Error())
				continue
			}
			if checkTemplate(t, c.allow) != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not on an allowlisted domain (domains: %s)", field, s, strings.Join(allowedBases(c.allow), ", ")))
				continue
			}
			r.templates = append(r.templates, t)
		}
		if w.Kind == "strapi" || w.Kind == "contentful" {
			if len(w.URLs) == 0 {
				problems = append(problems, fmt.Sprintf("%s.urls: a %s route needs URL templates: its payloads carry no URL", name, w.Kind))
			}
		}
		if w.effectiveAuth() == "hmac-sha256" && w.HMAC.Encoding == "" {
			w.HMAC.Encoding = "hex"
		}
		c.routes[w.Path] = r
	}
	return problems
}

// route is a compiled WebhookRoute.
type route struct {
	*WebhookRoute
	name       string
	objectType string
	templates  []*Template
	verify     webhook.Verifier // nil for auth: none
}
