package webhook

import (
	"slices"
	"strings"
)

// maxOrderedKeys bounds the query keys whose every order is tried (4 keys,
// 24 orders); a query with more keys is tried in sorted order only.
const maxOrderedKeys = 4

// hashBudget bounds the bytes hashed to verify one request against rebuilt
// paths: each path is a MAC over the whole body, so a request whose query
// must be rebuilt costs at most about hashBudget/len(body) MACs, and never
// fewer than minPaths.
const (
	hashBudget = 4 << 20
	minPaths   = 2
)

// contentfulPaths returns, best first and without repeats, the forms of the
// request's path and query that Contentful may have signed. Its signer
// (contentful/node-apps-toolkit src/requests/utils.ts
// getNormalizedEncodedURI) splits the URL at '?' and signs
// encodeURI(pathname + "?" + querystring.escape(search)), or
// encodeURI(pathname) when there is no query: querystring.escape encodes
// the whole query, '=' and '&' included, and encodeURI then encodes each
// '%' of that again, so "?env=master" is signed as "?env%253Dmaster".
//
// When the query as sent is not known (FC's HTTP trigger passes it as a
// map, which loses its order and escaping), it is rebuilt: every order of
// up to maxOrderedKeys keys, sorted beyond that, with the keys and values
// as encodeURIComponent writes them, as a form writes them, and as they
// are; at most as many paths as hashBudget allows for the body's size. So
// a query of up to four distinct keys verifies whatever its order unless
// the body is large; a repeated key, or more keys in an order other than
// sorted, is not guaranteed to.
func contentfulPaths(r *Request) []string {
	if r.RawQuery != "" {
		// JavaScript's split('?') keeps what lies between the first '?' and the next.
		search, _, _ := strings.Cut(r.RawQuery, "?")
		return []string{signedPath(r.Path, search)}
	}
	queries := rebuiltQueries(r.Query)
	if len(queries) == 0 {
		return []string{signedPath(r.Path, "")}
	}
	limit := max(minPaths, hashBudget/(len(r.Body)+1))
	var out []string
	for _, q := range queries {
		if p := signedPath(r.Path, q); !slices.Contains(out, p) {
			if out = append(out, p); len(out) == limit {
				break
			}
		}
	}
	return out
}

// signedPath is the path Contentful signs for a webhook URL of path and
// query search (without '?').
func signedPath(path, search string) string {
	if search == "" {
		return encodeURI(path)
	}
	return encodeURI(path + "?" + escapeComponent(search))
}

// rebuiltQueries writes a query map back as the query strings it may have
// come from; none for an empty map.
func rebuiltQueries(m map[string]string) []string {
	keys := sortedKeys(m)
	if len(keys) == 0 {
		return nil
	}
	orders := [][]string{keys}
	if len(keys) <= maxOrderedKeys {
		orders = permutations(keys)
	}
	var out []string
	for _, esc := range []func(string) string{escapeComponent, escapeForm, func(s string) string { return s }} {
		for _, order := range orders {
			pairs := make([]string, len(order))
			for i, k := range order {
				pairs[i] = esc(k) + "=" + esc(m[k])
			}
			out = append(out, strings.Join(pairs, "&"))
		}
	}
	return out
}

// permutations returns every order of keys, the given order first.
func permutations(keys []string) [][]string {
	if len(keys) <= 1 {
		return [][]string{keys}
	}
	var out [][]string
	for i, k := range keys {
		rest := append(slices.Clone(keys[:i]), keys[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]string{k}, p...))
		}
	}
	return out
}

// escapeComponent escapes s as JavaScript's encodeURIComponent (and Node's
// querystring.escape) does: every UTF-8 byte but A-Z a-z 0-9 - _ . ! ~ * '
// ( ) as %XX.
func escapeComponent(s string) string { return escapeJS(s, "-_.!~*'()", false) }

// encodeURI escapes s as JavaScript's encodeURI does: as escapeComponent,
// but keeping the URI's reserved characters ; , / ? : @ & = + $ #. A '%' is
// escaped as %25.
func encodeURI(s string) string { return escapeJS(s, "-_.!~*'();,/?:@&=+$#", false) }

// escapeForm escapes s as a form (URLSearchParams) does: every byte but
// A-Z a-z 0-9 * - . _ as %XX, and a space as '+'.
func escapeForm(s string) string { return escapeJS(s, "*-._", true) }

func escapeJS(s, keep string, spacePlus bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		case c == ' ' && spacePlus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
