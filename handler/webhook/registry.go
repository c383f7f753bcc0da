package webhook

import (
	"fmt"
	"time"
)

// Kinds of sender, and the authentication scheme each uses unless a route
// says otherwise.
var defaultAuth = map[string]string{
	"generic":    "standard-webhooks",
	"ghost":      "ghost",
	"wordpress":  "token", // WP Webhooks' Bearer token authentication template; see wordpress.go
	"strapi":     "token",
	"contentful": "contentful",
	"sanity":     "sanity",
}

// kindFields are the template fields each kind's payloads can fill, so that
// a template no payload of its kind can ever fill is refused at start-up.
// Whether a given payload fills one ({locale} needs i18n, {tag} a tagged
// post) is known only when it arrives.
var kindFields = map[string][]string{
	"generic":    nil,
	"ghost":      {"slug", "id", "model", "path", "tag", "author"},
	"wordpress":  {"slug", "id", "model", "path", "tag", "category"},
	"strapi":     {"slug", "id", "model", "locale", "path"},
	"contentful": {"slug", "id", "model", "locale", "path"},
	"sanity":     {"slug", "id", "model", "locale", "path", "tag", "category", "author"},
}

// KindFields returns the template fields that payloads of kind can fill.
func KindFields(kind string) []string { return kindFields[kind] }

// DefaultAuth returns the kind's own authentication scheme ("" for an
// unknown kind).
func DefaultAuth(kind string) string { return defaultAuth[kind] }

// Parse runs the kind's parser on a verified request. maxPaths bounds the
// paths of a generic request.
func Parse(kind string, r *Request, maxPaths int) (Change, error) {
	switch kind {
	case "generic":
		return ParseGeneric(r.Body, maxPaths)
	case "ghost":
		return ParseGhost(r.Body)
	case "wordpress":
		return ParseWordPress(r.Body)
	case "strapi":
		return ParseStrapi(r.Body, r.Header)
	case "contentful":
		return ParseContentful(r.Body, r.Header)
	case "sanity":
		return ParseSanity(r.Body, r.Header)
	}
	return Change{}, fmt.Errorf("unknown kind %q", kind)
}

// Auth is how one route authenticates its requests.
type Auth struct {
	Scheme  string        // ghost, wordpress, contentful, sanity, standard-webhooks, hmac-sha256, token or none
	Secrets []string      // the current secret first, then the ones being rotated out
	Window  time.Duration // replay window of the timestamped schemes
	// For hmac-sha256: the header (default X-Hub-Signature-256), its prefix
	// (default "sha256=" with the default header, else none) and the
	// encoding, hex (the default) or base64.
	Header   string
	Prefix   *string
	Encoding string
}

// NewVerifier makes the scheme's verifier; nil, with no error, for none.
func NewVerifier(a Auth) (Verifier, error) {
	if a.Scheme == "none" {
		return nil, nil
	}
	if len(a.Secrets) == 0 {
		return nil, fmt.Errorf("%s needs a secret", a.Scheme)
	}
	switch a.Scheme {
	case "ghost":
		return NewGhostVerifier(a.Secrets, a.Window), nil
	case "wordpress":
		return NewWordPressVerifier(a.Secrets), nil
	case "contentful":
		return NewContentfulVerifier(a.Secrets, a.Window), nil
	case "sanity":
		return NewSanityVerifier(a.Secrets, a.Window), nil
	case "standard-webhooks":
		return NewStandardVerifier(a.Secrets, a.Window)
	case "token":
		return NewTokenVerifier(a.Secrets), nil
	case "hmac-sha256":
		header, prefix, encoding := a.Header, "", a.Encoding
		if header == "" {
			header, prefix = "X-Hub-Signature-256", "sha256="
		}
		if a.Prefix != nil {
			prefix = *a.Prefix
		}
		if encoding == "" {
			encoding = "hex"
		}
		return NewHMACVerifier(a.Secrets, header, prefix, encoding), nil
	}
	return nil, fmt.Errorf("unknown auth %q", a.Scheme)
}
