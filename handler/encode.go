package handler

import (
	"fmt"
	"net/url"
	"strings"
)

// EscapePath percent-encodes an object key or folder the way a browser
// requests it: every byte that is not an RFC 3986 pchar (unreserved,
// sub-delims, ':' or '@') is written as %XX with upper-case hex, and '/'
// stays as the separator. It is the only place where keys are encoded.
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

// DecodeKey undoes one round of percent-encoding of an OSS object key, for
// buckets whose events carry URL-encoded keys (keyEncoding: url). A '+' is
// kept as it is: OSS keys may contain it literally.
func DecodeKey(key string) (string, error) {
	k, err := url.PathUnescape(key)
	if err != nil {
		return "", fmt.Errorf("key %q is not valid percent-encoding: %w", key, err)
	}
	return k, nil
}
