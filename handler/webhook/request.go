package webhook

import (
	"net/http"
	"sort"
	"strings"
)

// NewRequest returns what verification and parsing read from a request,
// given in plain values, whatever carried it (event.ReadHTTP reads them
// from FC's HTTP trigger). rawQuery is the query as sent, without "?", or
// "" when only query, a map, is known; body is the raw body. Header names
// are canonicalised, and case variants of one name are joined in a fixed
// order (see joinHeaders).
func NewRequest(method, path, rawQuery string, query, headers map[string]string, body []byte) *Request {
	r := &Request{Method: strings.ToUpper(method), Path: path, RawQuery: rawQuery, Query: query, Body: body}
	r.Header, r.conflicts = joinHeaders(headers)
	return r
}

// joinHeaders canonicalises header names. Case variants of one name are
// joined with commas in the order of their spelling, so that the result
// does not depend on the order a map is read in; a variant that repeats a
// value already there adds nothing. A name whose variants disagree is in
// conflicts: verification refuses to read it.
func joinHeaders(in map[string]string) (http.Header, map[string]bool) {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := make(http.Header, len(in))
	var conflicts map[string]bool
	for _, k := range keys {
		ck, v := http.CanonicalHeaderKey(k), in[k]
		old, seen := h[ck]
		switch {
		case !seen:
			h[ck] = []string{v}
		case strings.TrimSpace(old[0]) != strings.TrimSpace(v):
			h[ck] = []string{old[0] + "," + v}
			if conflicts == nil {
				conflicts = map[string]bool{}
			}
			conflicts[ck] = true
		}
	}
	return h, conflicts
}
