package refresh

import (
	"fmt"
	"net/url"
	"strings"

	"vodrefresh/handler/config"
)

// Allowlist holds the CDN bases (scheme://host[:port]) that refresh paths may
// point at. Every ObjectPath is checked against it before it is submitted.
type Allowlist struct {
	bases map[string]bool // "scheme://host[:port]", lower case
}

// NewAllowlist builds an Allowlist from entries of the form scheme://host[:port].
func NewAllowlist(domains []string) (*Allowlist, error) {
	a := &Allowlist{bases: make(map[string]bool, len(domains))}
	for i, d := range domains {
		b, err := config.ParseBase(d)
		if err != nil {
			return nil, fmt.Errorf("domains[%d] %q: %w", i, d, err)
		}
		a.bases[b] = true
	}
	return a, nil
}

// Check returns nil when path is an absolute URL on an allowlisted base, and
// an error that says why not otherwise. Only the path may follow the host: no
// user info and no fragment.
func (a *Allowlist) Check(path string) error {
	u, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL", path)
	}
	if u.User != nil || u.Fragment != "" || strings.ContainsAny(path, " \t\r\n") {
		return fmt.Errorf("%q is not a plain URL", path)
	}
	base := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	if !a.bases[base] {
		return fmt.Errorf("%q is not on an allowlisted domain", path)
	}
	if !strings.HasPrefix(path[len(base):], "/") {
		return fmt.Errorf("%q has no path after the host", path)
	}
	return nil
}

// IsRoot reports whether path is the bare root of its domain ("https://host/").
func IsRoot(path string) bool {
	_, rest, ok := strings.Cut(path, "://")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, '/')
	return i < 0 || rest[i:] == "/"
}
