package vod

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Redactor removes secrets from text that may reach a log or a result.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a Redactor for the given secret values (empty ones are
// ignored).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, s, url.QueryEscape(s))
		}
	}
	return r
}

// signedParam matches a signed request's secret parameters; it is compiled
// on first use, off the cold-start path.
var signedParam = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(Signature|SecurityToken|AccessKeySecret|Token)=[^&\s"']*`)
})

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
