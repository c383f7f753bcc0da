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

// IsRoot reports whether path refreshes the whole of its domain: whether
// its path reads as "/" once read as a CDN may read it (see readPath), so
// "https://host/", "https://host//", "https://host/%2F/",
// "https://host/;/" and "https://host/?a=/" all are.
func IsRoot(path string) bool {
	return strings.Contains(path, "://") && readPath(path) == "/"
}

// readPath returns the path of an absolute URL as a CDN may read it when it
// matches a directory: up to a query or fragment, with "%2F", "%5C" and '\'
// read as '/', each segment's ";" parameters dropped, and repeated slashes
// read as one. A URL with no path reads "/". A path with none of these
// (see oddPath) is returned as it is, without a copy.
func readPath(u string) string {
	p := urlPathOf(u)
	if p == "" {
		return "/"
	}
	if !oddPath(p) {
		return p
	}
	b := make([]byte, 0, len(p))
	param := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isSlashEscape(p[i+1], p[i+2]) {
			c, i = '/', i+2
		}
		switch {
		case c == '/' || c == '\\':
			param = false
			if len(b) == 0 || b[len(b)-1] != '/' {
				b = append(b, '/')
			}
		case c == ';':
			param = true
		case !param:
			b = append(b, c)
		}
	}
	return string(b)
}

// oddPath reports whether a URL path reads otherwise than it is written
// (see readPath): it has "//", ';', '\', "%2F" or "%5C".
func oddPath(p string) bool {
	if strings.Contains(p, "//") || strings.ContainsAny(p, ";\\") {
		return true
	}
	for i := strings.IndexByte(p, '%'); i >= 0 && i+2 < len(p); {
		if isSlashEscape(p[i+1], p[i+2]) {
			return true
		}
		j := strings.IndexByte(p[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// isSlashEscape reports whether %hl encodes '/' or '\'.
func isSlashEscape(h, l byte) bool {
	return h == '2' && (l == 'F' || l == 'f') || h == '5' && (l == 'C' || l == 'c')
}

// dirDepth returns the number of folders in the path of a directory URL as
// readPath reads it: 0 for "https://h/" and for "https://h//", 2 for
// "https://h/a/b/" and for "https://h/a//%2Fb/".
func dirDepth(dir string) int {
	return strings.Count(readPath(dir), "/") - 1
}
