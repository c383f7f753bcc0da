package refresh

import (
	"net/url"
	"strings"
)

// EscapePath percent-encodes an object key or folder the way a browser
// requests it: every byte that is not an RFC 3986 pchar (unreserved,
// sub-delims, ':' or '@') is written as %XX with upper-case hex, and '/'
// stays as the separator. It is the only place where paths are encoded: OSS
// keys, webhook template fields and the paths of URLs a CMS sends all go
// through it.
func EscapePath(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isPathByte(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isPathByte(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// isPathByte reports whether c may stand unescaped in a URL path: an RFC 3986
// pchar or the '/' separator.
func isPathByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', // unreserved
		'!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', // sub-delims
		':', '@', '/':
		return true
	}
	return false
}

// NormalizeURL lower-cases the scheme and host of a URL that a CMS sent
// (VOD knows a domain by its lower-case name), and rewrites its path, whose
// case it keeps, by the encoding rule, so that "/a b", "/a%20b" and "/über" reach VOD as a browser requests
// them, and resolves its "." and ".." segments ("%2e" included) as a browser
// does, so that the allowlist and the root guard judge the URL that is
// requested. A URL that does not parse is returned as it is, for the
// allowlist check to reject; so is one with an encoded '/', which must stay
// encoded.
func NormalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if hasEncodedSlash(u.RawPath) {
		return lowerBase(raw)
	}
	path := EscapePath(u.Path)
	if strings.HasPrefix(path, "/") && dotSegment(path) {
		path = removeDotSegments(path)
	}
	out := strings.ToLower(u.Scheme+"://"+u.Host) + path
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}

func hasEncodedSlash(s string) bool {
	return strings.Contains(s, "%2F") || strings.Contains(s, "%2f")
}

// lowerBase lower-cases the scheme and host (with port) of an absolute URL,
// everything before the path, query or fragment, and keeps the rest as it
// is. Anything else is returned as it is.
func lowerBase(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	end := len(raw)
	if j := strings.IndexAny(raw[i+3:], "/?#"); j >= 0 {
		end = i + 3 + j
	}
	if base := raw[:end]; base != strings.ToLower(base) {
		return strings.ToLower(base) + raw[end:]
	}
	return raw
}
