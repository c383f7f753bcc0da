package webhook

import (
	"slices"
	"strings"
)

// maxOrderedKeys bounds the query keys whose every order is tried (4 keys,
// 24 orders); a query with more keys is tried in sorted order only.
const maxOrderedKeys = 4

// contentfulPaths returns, best first and without repeats, the forms of the
// request's path and query that Contentful may have signed. Its signer
// takes the path and query of the webhook URL as written and signs
// encodeURI(path), then, when there is a query, "?" and the query escaped
// (contentful/node-apps-toolkit src/requests/sign-request.ts, utils.ts;
// shared/FACTS.md). The path of a route is plain ASCII, which encodeURI
// leaves alone.
//
// When the query as sent is not known (FC's HTTP trigger passes it as a
// map, which loses its order and escaping), it is rebuilt: every order of
// up to maxOrderedKeys keys, sorted beyond that, with the keys and values
// as they are, as encodeURIComponent writes them, and as a form writes
// them. So a query of up to four distinct keys verifies whatever its
// order; a repeated key, or more keys in an order other than sorted, is
// not guaranteed to.
func contentfulPaths(r *Request) []string {
	queries := []string{r.RawQuery}
	if r.RawQuery == "" {
		queries = rebuiltQueries(r.Query)
	}
	if len(queries) == 0 || queries[0] == "" {
		return []string{r.Path}
	}
	var out []string
	for _, q := range queries {
		for _, form := range []string{escapeComponent(q), q} {
			if p := r.Path + "?" + form; !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
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
	for _, esc := range []func(string) string{func(s string) string { return s }, escapeComponent, escapeForm} {
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

// escapeComponent escapes s as JavaScript's encodeURIComponent does: every
// UTF-8 byte but A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX.
func escapeComponent(s string) string { return escapeJS(s, "-_.!~*'()", false) }

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
