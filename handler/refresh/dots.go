package refresh

import (
	"strings"
)

// maxDecode bounds how many rounds of percent-decoding dotSegment looks
// through: more than any CDN is known to apply.
const maxDecode = 4

// dotSegment reports whether s has a "." or ".." segment as it is, or after
// up to maxDecode rounds of percent-decoding; '/' and '\' both separate
// segments. A browser resolves such segments away (the WHATWG URL standard
// also reads "%2e" as '.' and '\' as '/'), and a CDN that decodes a path
// again may too, so a template field that has one could point anywhere on
// the domain.
func dotSegment(s string) bool {
	for range maxDecode + 1 {
		for _, seg := range strings.FieldsFunc("/"+s+"/", func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == "." || seg == ".." {
				return true
			}
		}
		d := unescapeLenient(s)
		if d == s {
			return false
		}
		s = d
	}
	return false
}

// unescapeLenient decodes every valid %XX escape of s and keeps the rest
// as it is, as browsers and CDNs do.
func unescapeLenient(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// removeDotSegments resolves the "." and ".." segments of an absolute URL
// path as RFC 3986 (section 5.2.4) and browsers do: "/a/./b/../c" is
// "/a/c", and ".." never climbs above the root.
func removeDotSegments(p string) string {
	segs := strings.Split(p, "/")[1:]
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		switch seg {
		case ".", "..":
			if seg == ".." && len(out) > 0 {
				out = out[:len(out)-1]
			}
			if i == len(segs)-1 {
				out = append(out, "") // the path ends in a folder
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}
