package webhook

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// sanityScheme is sanity-webhook-signature: "t=<ms>,v1=<sig>", where sig
// is unpadded base64url of HMAC-SHA256(secret, t + "." + body).
var sanityScheme = paramScheme{header: "sanity-webhook-signature", sigKey: "v1", encoding: "base64url",
	decode:  func(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")) },
	message: func(ts string, body []byte) [][]byte { return [][]byte{[]byte(ts), []byte("."), body} }}

// NewSanityVerifier checks sanity-webhook-signature (sanityScheme); t must
// be within window of now.
func NewSanityVerifier(secrets []string, window time.Duration) Verifier {
	return &paramVerifier{newStamped(secrets, window), sanityScheme}
}

// ParseSanity reads what a Sanity webhook's projection sends: slug (a
// string or {"current": ...}), oldSlug or previousSlug, url, _id, _type and
// language or locale.
//
// Sanity signs the timestamp and the body only, so the sanity-operation
// header (create, update, delete) is untrusted: anyone who saw the request
// could rewrite it. It names the event only when proof covers it (a bearer
// token route) and never decides what is refreshed: the body alone does.
func ParseSanity(body []byte, header http.Header, proof Proof) (Change, error) {
	var p struct {
		ID       string          `json:"_id"`
		AltID    json.RawMessage `json:"id"`
		Type     string          `json:"_type"`
		AltType  string          `json:"type"`
		Slug     json.RawMessage `json:"slug"`
		OldSlug  json.RawMessage `json:"oldSlug"`
		PrevSlug json.RawMessage `json:"previousSlug"`
		URL      string          `json:"url"`
		Language string          `json:"language"`
		Locale   string          `json:"locale"`
		sanityTerms
	}
	if err := decode("sanity", body, &p); err != nil {
		return Change{}, err
	}
	ch := Change{Event: "sanity"}
	if op := strings.TrimSpace(header.Get("Sanity-Operation")); op != "" && proof.Covers("Sanity-Operation") {
		ch.Event += "." + op
	}
	id := p.ID
	if id == "" {
		id = idString(p.AltID)
	}
	model := p.Type
	if model == "" {
		model = p.AltType
	}
	locale := p.Language
	if locale == "" {
		locale = p.Locale
	}
	if p.URL != "" {
		if !isHTTPURL(p.URL) {
			return Change{}, bad("sanity", fmt.Sprintf("url: %q is not an absolute http(s) URL", p.URL))
		}
		ch.URLs = append(ch.URLs, p.URL)
	}
	slug := sanitySlug(p.Slug)
	ch.Items = append(ch.Items, Fields{Slug: slug, ID: id, Model: model, Locale: locale, Path: urlPath(p.URL)})
	old := sanitySlug(p.OldSlug)
	if old == "" {
		old = sanitySlug(p.PrevSlug)
	}
	if old != "" && old != slug {
		ch.Items = append(ch.Items, Fields{Slug: old, ID: id, Model: model, Locale: locale})
	}
	if slug == "" && old == "" && id == "" && len(ch.URLs) == 0 {
		return Change{Event: ch.Event, Ignored: "the projection sent no slug, oldSlug, url or _id"}, nil
	}
	subject := Fields{Slug: slug, ID: id, Model: model, Locale: locale, Path: urlPath(p.URL)}
	ch.Related = append([]Fields{subject}, terms(subject, slugList(p.Tags), slugList(p.Categories), slugList(p.Authors))...)
	return ch, nil
}

// sanityTerms are what a projection may send for related templates: the
// slugs of the document's tags, categories and authors, each a string, a
// slug object, or a list of them, e.g. "tags": tags[]->slug.current.
type sanityTerms struct {
	Tags       json.RawMessage `json:"tags"`
	Categories json.RawMessage `json:"categories"`
	Authors    json.RawMessage `json:"authors"`
}

// slugList reads a slug, or a list of slugs, each a string or
// {"current": ...}.
func slugList(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range list {
		if s := sanitySlug(item); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sanitySlug reads a slug sent as a string or as {"current": "..."}.
func sanitySlug(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Current string `json:"current"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.Current
	}
	return ""
}
