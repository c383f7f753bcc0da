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

// contentfulIdempotency is the header that names a Contentful delivery;
// it keys the proof only when it is among the signed headers.
const contentfulIdempotency = "x-contentful-idempotency-key"

// NewContentfulVerifier checks x-contentful-signature: hex HMAC-SHA256 of
// the canonical request "METHOD\nPATH\nk:v;k:v\nBODY", where the headers
// are those listed (lower-case, comma-separated) in
// x-contentful-signed-headers; the list must include x-contentful-timestamp
// (ms), which must be within window of now. PATH carries the query string
// when there is one (contentfulPaths).
//
// By default Contentful signs only x-contentful-signed-headers and
// x-contentful-timestamp, so X-Contentful-Topic and the idempotency key
// usually arrive unsigned: the proof says which headers it covers.
func NewContentfulVerifier(secrets []string, window time.Duration) Verifier {
	return &contentfulVerifier{newStamped(secrets, window)}
}

// Verify checks the signature against the canonical request at each path
// the sender may have signed (contentfulPaths), one MAC per key and path.
// The proof is keyed by the idempotency key when it is signed, else by the
// MAC and the timestamp.
func (v *contentfulVerifier) Verify(r *Request, now time.Time) (Proof, error) {
	vals, err := requireHeaders(r, "x-contentful-signature", "x-contentful-signed-headers", "x-contentful-timestamp")
	if err != nil {
		return Proof{}, err
	}
	sigHex, list, ts := vals[0], vals[1], vals[2]
	names := strings.Split(list, ",")
	for i, n := range names {
		names[i] = strings.ToLower(strings.TrimSpace(n))
	}
	if !slices.Contains(names, "x-contentful-timestamp") {
		return Proof{}, unauthorized("x-contentful-signed-headers does not include x-contentful-timestamp")
	}
	for _, n := range names {
		if _, err := r.signed(n); err != nil {
			return Proof{}, err
		}
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return Proof{}, unauthorized("x-contentful-signature is not hex")
	}
	at, err := parseMillis(ts)
	if err != nil {
		return Proof{}, err
	}
	var mac []byte
	for _, path := range contentfulPaths(r) {
		if m := matchMAC(v.keys, [][]byte{sig}, contentfulCanonical(r, path, names), r.Body); m != nil {
			mac = m
		}
	}
	if mac == nil {
		return Proof{}, unauthorized("signature does not match")
	}
	if err := checkWindow(at, now, v.window); err != nil {
		return Proof{}, err
	}
	p := macProof(mac, ts, names...)
	if id := strings.TrimSpace(r.Header.Get(contentfulIdempotency)); id != "" && p.Covers(contentfulIdempotency) {
		p.Key = "idempotency-key:" + id
	}
	return p, nil
}

// contentfulCanonical builds what Contentful signs for the request at path
// (query included), up to the body, which follows it. The signed headers go in sorted order, as the
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

// ParseContentful reads a Contentful entry or asset webhook. Entries fill
// the templates from sys.id, the content type and fields.slug (one item per
// locale); published assets carry their file URLs. A delete or unpublish
// carries sys only: one item with the ID.
//
// X-Contentful-Topic names the event, but it decides what the delivery does
// only when p covers it (it is among the signed headers, or the route's
// scheme authenticates every header). Contentful signs only its timestamp
// and the signed-headers list by default, so an unsigned topic could be
// rewritten by anyone who saw the request, turning a publish into a "save"
// that needs no refresh. Unsigned, the body alone decides: an Entry, Asset,
// DeletedEntry or DeletedAsset is refreshed, whatever the topic says.
func ParseContentful(body []byte, header http.Header, p Proof) (Change, error) {
	topic := strings.TrimSpace(header.Get("X-Contentful-Topic"))
	var pl contentfulPayload
	if err := decode("contentful", body, &pl); err != nil {
		return Change{}, err
	}
	typ, action, err := contentfulAction(topic, p.Covers("X-Contentful-Topic"), pl.Sys.Type)
	if err != nil {
		return Change{}, err
	}
	event := topic
	if event == "" {
		event = "ContentManagement." + typ + "." + action
	}
	switch {
	case typ == "":
		return Change{Event: event, Ignored: fmt.Sprintf("the body is a %s, not an entry or an asset: nothing to refresh", quote(pl.Sys.Type))}, nil
	case action != "publish" && action != "unpublish" && action != "delete" && action != "archive":
		return Change{Event: event, Ignored: "contentful topic " + topic + " needs no refresh"}, nil
	case pl.Sys.ID == "":
		return Change{}, bad("contentful", "sys.id: is required")
	case typ == "Asset":
		return pl.assetChange(event), nil
	}
	return pl.entryChange(event), nil
}

// contentfulBody maps the sys.type of a webhook body to what it implies
// when the topic cannot be trusted.
var contentfulBody = map[string][2]string{
	"Entry": {"Entry", "publish"}, "DeletedEntry": {"Entry", "unpublish"},
	"Asset": {"Asset", "publish"}, "DeletedAsset": {"Asset", "unpublish"},
}

// contentfulAction returns the type (Entry, Asset, ...) and the action of a
// delivery: from the topic when it is trusted, else from the body's
// sys.type ("" when that is neither an entry nor an asset).
func contentfulAction(topic string, trusted bool, sysType string) (typ, action string, err error) {
	if !trusted {
		implied := contentfulBody[sysType]
		return implied[0], implied[1], nil
	}
	parts := strings.Split(topic, ".")
	if len(parts) != 3 {
		return "", "", bad("contentful", fmt.Sprintf("X-Contentful-Topic %q is not ContentManagement.<Type>.<action>", topic))
	}
	return parts[1], parts[2], nil
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
