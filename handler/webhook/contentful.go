package webhook

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Contentful's signing headers.
const (
	contentfulSignature     = "X-Contentful-Signature"
	contentfulSignedHeaders = "X-Contentful-Signed-Headers"
	contentfulTimestamp     = "X-Contentful-Timestamp"
)

// contentfulVerifier checks Contentful's request verification signature.
type contentfulVerifier struct{ stamped }

// NewContentfulVerifier checks x-contentful-signature: hex HMAC-SHA256 of
// the canonical request "METHOD\nPATH\nk:v;k:v\nBODY", where the headers
// are those listed (lower-case, comma-separated) in
// x-contentful-signed-headers, in that order; the list must include
// x-contentful-timestamp (ms), which must be within window of now. PATH
// carries the query string when there is one.
func NewContentfulVerifier(secrets []string, window time.Duration) Verifier {
	return &contentfulVerifier{newStamped(secrets, window)}
}

func (v *contentfulVerifier) Verify(r *Request, now time.Time) error {
	vals, err := requireHeaders(r, "x-contentful-signature", "x-contentful-signed-headers", "x-contentful-timestamp")
	if err != nil {
		return err
	}
	sigHex, list, ts := vals[0], vals[1], vals[2]
	names := strings.Split(list, ",")
	signsTimestamp := false
	for i, n := range names {
		names[i] = strings.ToLower(strings.TrimSpace(n))
		if names[i] == "x-contentful-timestamp" {
			signsTimestamp = true
		}
	}
	if !signsTimestamp {
		return unauthorized("x-contentful-signed-headers does not include x-contentful-timestamp")
	}
	for _, n := range names {
		if _, err := r.signed(n); err != nil {
			return err
		}
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return unauthorized("x-contentful-signature is not hex")
	}
	at, err := parseMillis(ts)
	if err != nil {
		return err
	}
	ok := false
	for _, path := range contentfulPaths(r) {
		if anyMAC(v.keys, sig, contentfulCanonical(r, path, names)) {
			ok = true
		}
	}
	if !ok {
		return unauthorized("signature does not match")
	}
	return checkWindow(at, now, v.window)
}

// contentfulCanonical builds the string Contentful signs for the request at
// path (query included). The signed headers go in sorted order, as the
// signer sorts them (node-apps-toolkit src/requests/sign-request.ts).
func contentfulCanonical(r *Request, path string, names []string) []byte {
	names = slices.Sorted(slices.Values(names))
	pairs := make([]string, len(names))
	for i, n := range names {
		pairs[i] = n + ":" + r.Header.Get(n)
	}
	var b strings.Builder
	b.WriteString(strings.ToUpper(r.Method))
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(strings.Join(pairs, ";"))
	b.WriteByte('\n')
	b.Write(r.Body)
	return []byte(b.String())
}

// contentfulPayload is the part of a Contentful entry or asset that
// names what changed.
type contentfulPayload struct {
	Sys struct {
		Type        string `json:"type"`
		ID          string `json:"id"`
		ContentType *struct {
			Sys struct {
				ID string `json:"id"`
			} `json:"sys"`
		} `json:"contentType"`
	} `json:"sys"`
	Fields struct {
		Slug map[string]json.RawMessage `json:"slug"`
		File map[string]struct {
			URL string `json:"url"`
		} `json:"file"`
	} `json:"fields"`
}

// ParseContentful reads a Contentful entry or asset webhook, named by
// X-Contentful-Topic. Entries fill the templates from sys.id, the content
// type and fields.slug (one item per locale); published assets carry their
// file URLs. A delete or unpublish carries sys only: one item with the ID.
func ParseContentful(body []byte, header http.Header) (Change, error) {
	topic := strings.TrimSpace(header.Get("X-Contentful-Topic"))
	var p contentfulPayload
	if err := decode("contentful", body, &p); err != nil {
		return Change{}, err
	}
	parts := strings.Split(topic, ".")
	if len(parts) != 3 {
		return Change{}, bad("contentful", fmt.Sprintf("X-Contentful-Topic %q is not ContentManagement.<Type>.<action>", topic))
	}
	switch parts[2] {
	case "publish", "unpublish", "delete", "archive":
	default:
		return Change{Event: topic, Ignored: "contentful topic " + topic + " needs no refresh"}, nil
	}
	if p.Sys.ID == "" {
		return Change{}, bad("contentful", "sys.id: is required")
	}
	if parts[1] == "Asset" {
		return p.assetChange(topic), nil
	}
	return p.entryChange(topic), nil
}

// assetChange names an asset's file URLs as assets: Contentful serves them
// from its own CDN (images.ctfassets.net and the like), which is not ours
// to refresh unless a {path} template maps them onto a domain of ours, so
// each file's path fills the templates too. An asset without files (an
// unpublish or delete carries sys only) fills them with its ID.
func (p *contentfulPayload) assetChange(topic string) Change {
	ch := Change{Event: topic}
	for _, loc := range sortedKeys(p.Fields.File) {
		u := p.Fields.File[loc].URL
		if strings.HasPrefix(u, "//") {
			u = "https:" + u
		}
		if isHTTPURL(u) {
			ch.Assets = append(ch.Assets, u)
			ch.Items = append(ch.Items, Fields{Model: "asset", Locale: loc, Path: urlPath(u)})
		}
	}
	if len(ch.Assets) == 0 {
		ch.Items = []Fields{{ID: p.Sys.ID, Model: "asset"}}
	}
	return ch
}

// entryChange fills the templates once per localised slug, or once with
// the entry's ID.
func (p *contentfulPayload) entryChange(topic string) Change {
	ch := Change{Event: topic}
	model := ""
	if p.Sys.ContentType != nil {
		model = p.Sys.ContentType.Sys.ID
	}
	for _, loc := range sortedKeys(p.Fields.Slug) {
		var slug string
		if json.Unmarshal(p.Fields.Slug[loc], &slug) == nil && slug != "" {
			ch.Items = append(ch.Items, Fields{Slug: slug, ID: p.Sys.ID, Model: model, Locale: loc})
		}
	}
	if len(ch.Items) == 0 {
		ch.Items = []Fields{{ID: p.Sys.ID, Model: model}}
	}
	return ch
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
