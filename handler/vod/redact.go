package vod

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Redactor removes secrets from text that may reach a log or a result.
type Redactor struct {
	secrets []string
}

// encodeDepth is how many rounds of percent-encoding of a secret are
// redacted. A signed request holds the token once encoded; the service's
// string to sign, which it echoes on SignatureDoesNotMatch, twice; a third
// round covers that string quoted in a URL.
const encodeDepth = 3

// NewRedactor returns a Redactor for the given secret values (empty ones are
// ignored). Each is redacted as it is and at every encoding depth up to
// encodeDepth, in the query and the path forms of percent-encoding.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, encodings(s)...)
		}
	}
	return r
}

// With returns a Redactor that also redacts the given values (and their
// encodings), e.g. one request's signature; r is unchanged. A nil r
// redacts only them.
func (r *Redactor) With(values ...string) *Redactor {
	out := NewRedactor(values...)
	if r != nil {
		out.secrets = append(slices.Clone(r.secrets), out.secrets...)
		slices.SortStableFunc(out.secrets, func(a, b string) int { return len(b) - len(a) })
	}
	return out
}

// encodings returns s and each distinct spelling of it under up to
// encodeDepth rounds of url.QueryEscape or url.PathEscape, in any order.
func encodings(s string) []string {
	seen := map[string]bool{s: true}
	out, level := []string{s}, []string{s}
	for range encodeDepth {
		var next []string
		for _, v := range level {
			for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
				if !seen[e] {
					seen[e] = true
					next = append(next, e)
				}
			}
		}
		out, level = append(out, next...), next
	}
	// Longest first, so that no spelling is cut into by a shorter one.
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// signedParam matches a signed request's secret parameters at any encoding
// depth: "SecurityToken=v", "SecurityToken%3Dv", "SecurityToken%253Dv", ...
// The value ends where the parameter separator '&' does, at whichever depth
// it is encoded ("&", "%26", "%2526", ...). It is compiled on first use,
// off the cold-start path.
var signedParam = sync.OnceValue(func() *regexp.Regexp {
	const (
		eq      = `(?:=|%(?:25)*3[Dd])`
		escape  = `%(?:25)*(?:[013-9A-Fa-f][0-9A-Fa-f]|2[0-47-9A-Fa-f])` // any escape but of '%' or '&'
		valueCh = `(?:[^&%\s"']|` + escape + `)`
	)
	return regexp.MustCompile(`(?i)(Signature|SecurityToken|AccessKeySecret|Token)` + eq + valueCh + `*`)
})

// Carries reports whether s holds a secret the redactor knows, in any of
// its encodings, or a signature or token parameter: what Clean would
// redact. A field that must be of a fixed form is refused when it does,
// rather than cleaned.
func (r *Redactor) Carries(s string) bool {
	if r != nil {
		for _, sec := range r.secrets {
			if strings.Contains(s, sec) {
				return true
			}
		}
	}
	return signedParam().MatchString(s)
}

// maxMessage bounds how much of an error message is kept.
const maxMessage = 300

// Clean returns s with every known secret and every signature or token
// parameter replaced, cut to a readable length.
func (r *Redactor) Clean(s string) string {
	if r != nil {
		for _, sec := range r.secrets {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = signedParam().ReplaceAllString(s, "$1=[redacted]")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	return s
}
