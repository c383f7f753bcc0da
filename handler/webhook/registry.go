package webhook

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"vodrefresh/handler/change"
)

// parsers are the senders' payload parsers, by kind (change.Kinds).
var parsers = map[string]func(r *Request, p Proof, maxPaths int) (Change, error){
	"generic": func(r *Request, _ Proof, maxPaths int) (Change, error) { return ParseGeneric(r.Body, maxPaths) },
	"ghost":   bodyOnly(ParseGhost),
	// WP Webhooks' Bearer token authentication template; see wordpress.go.
	"wordpress":  bodyOnly(ParseWordPress),
	"strapi":     withHeader(func(b []byte, h http.Header, _ Proof) (Change, error) { return ParseStrapi(b, h) }),
	"contentful": withHeader(ParseContentful),
	"sanity":     withHeader(ParseSanity),
	// ApsaraVideo VOD's event callback; see vodevent.go.
	"vod": bodyOnly(ParseVOD),
}

func bodyOnly(parse func([]byte) (Change, error)) func(*Request, Proof, int) (Change, error) {
	return func(r *Request, _ Proof, _ int) (Change, error) { return parse(r.Body) }
}

// withHeader is for parsers that read headers too; p says which of them
// verification covered.
func withHeader(parse func([]byte, http.Header, Proof) (Change, error)) func(*Request, Proof, int) (Change, error) {
	return func(r *Request, p Proof, _ int) (Change, error) { return parse(r.Body, r.Header, p) }
}

// scheme is one way of authenticating requests, as a route names it.
type scheme struct {
	name string
	make func(Auth) (Verifier, error) // nil for none
}

// schemes are the authentication schemes, each declared once.
var schemes = []scheme{
	{"ghost", func(a Auth) (Verifier, error) { return NewGhostVerifier(a.Secrets, a.Window), nil }},
	{"wordpress", func(a Auth) (Verifier, error) { return NewWordPressVerifier(a.Secrets), nil }},
	{"contentful", func(a Auth) (Verifier, error) { return NewContentfulVerifier(a.Secrets, a.Window), nil }},
	{"sanity", func(a Auth) (Verifier, error) { return NewSanityVerifier(a.Secrets, a.Window), nil }},
	{"standard-webhooks", func(a Auth) (Verifier, error) { return NewStandardVerifier(a.Secrets, a.Window) }},
	{"hmac-sha256", newHMAC},
	{"token", func(a Auth) (Verifier, error) { return NewTokenVerifier(a.Secrets), nil }},
	{"vod", func(a Auth) (Verifier, error) { return NewVODVerifier(a.Secrets, a.CallbackURL, a.Window), nil }},
	{"none", nil},
}

// Kinds returns the names of the senders a route can name, in a fixed order.
func Kinds() []string { return change.Kinds() }

// Schemes returns the names of the authentication schemes a route can name,
// in a fixed order (change.Schemes, which this package's table follows).
func Schemes() []string { return change.Schemes() }

// DefaultFields returns the template fields that a route may give a
// default for (change.DefaultFields).
func DefaultFields() []string { return change.DefaultFields() }

func names[T any](table []T, name func(T) string) []string {
	out := make([]string, len(table))
	for i, e := range table {
		out[i] = name(e)
	}
	return out
}

// find returns the entry of table with the given name.
func find[T any](table []T, name func(T) string, want, what string) (T, error) {
	i := slices.IndexFunc(table, func(e T) bool { return name(e) == want })
	if i < 0 {
		var zero T
		return zero, fmt.Errorf("unknown %s %q (one of %s)", what, want, strings.Join(names(table, name), ", "))
	}
	return table[i], nil
}

// DefaultAuth returns the kind's own authentication scheme ("" for an
// unknown kind).
func DefaultAuth(kind string) string {
	k, _ := change.KindOf(kind)
	return k.Auth
}

// Parse runs the kind's parser on a verified request; p is what its
// verifier returned (the zero Proof for auth: none, which covers no
// header). maxPaths bounds the paths of a generic request.
func Parse(kind string, r *Request, p Proof, maxPaths int) (Change, error) {
	parse, ok := parsers[kind]
	if !ok {
		return Change{}, fmt.Errorf("unknown kind %q (one of %s)", kind, strings.Join(Kinds(), ", "))
	}
	return parse(r, p, maxPaths)
}

// Auth is how one route authenticates its requests.
type Auth struct {
	Scheme  string        // one of Schemes
	Secrets []string      // the current secret first, then the ones being rotated out
	Window  time.Duration // replay window of the timestamped schemes
	// For hmac-sha256: the header (default X-Hub-Signature-256), its prefix
	// (default "sha256=" with the default header, else none) and the
	// encoding, hex (the default) or base64.
	Header   string
	Prefix   *string
	Encoding string
	// CallbackURL is the URL that a vod scheme's signature covers, exactly
	// as configured in VOD; "" means https:// + the Host header + the path.
	CallbackURL string
}

// NewVerifier makes the scheme's verifier; nil, with no error, for none.
func NewVerifier(a Auth) (Verifier, error) {
	s, err := find(schemes, func(s scheme) string { return s.name }, a.Scheme, "auth")
	switch {
	case err != nil:
		return nil, err
	case s.make == nil:
		return nil, nil
	case len(a.Secrets) == 0:
		return nil, fmt.Errorf("%s needs a secret", a.Scheme)
	}
	return s.make(a)
}

// newHMAC makes an hmac-sha256 verifier, with the defaults of Auth.
func newHMAC(a Auth) (Verifier, error) {
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
