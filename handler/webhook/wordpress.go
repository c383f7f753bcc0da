package webhook

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// wordpressVerifier checks X-WP-Webhook-Signature.
type wordpressVerifier struct{ keys [][]byte }

// NewWordPressVerifier checks "X-WP-Webhook-Signature: base64(HMAC-SHA256(
// secret, body))", as the WP Webhooks plugin sends it. The scheme has no
// timestamp, so there is no replay window.
func NewWordPressVerifier(secrets []string) Verifier {
	return &wordpressVerifier{keys: byteKeys(secrets)}
}

func (v *wordpressVerifier) Verify(r *Request, _ time.Time) error {
	vals, err := requireHeaders(r, "X-WP-Webhook-Signature")
	if err != nil {
		return err
	}
	h := vals[0]
	sig, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return unauthorized("X-WP-Webhook-Signature is not base64")
	}
	if !anyMAC(v.keys, sig, r.Body) {
		return unauthorized("signature does not match")
	}
	return nil
}

// SignWordPress returns the X-WP-Webhook-Signature value for body.
func SignWordPress(secret string, body []byte) string {
	return base64.StdEncoding.EncodeToString(macSHA256([]byte(secret), body))
}

// ParseWordPress reads a WP Webhooks post_* payload: post_permalink, and
// post_permalink_before when it differs.
func ParseWordPress(body []byte) (Change, error) {
	var p struct {
		PostID json.RawMessage `json:"post_id"`
		Post   *struct {
			ID     json.RawMessage `json:"ID"`
			Name   string          `json:"post_name"`
			Type   string          `json:"post_type"`
			Status string          `json:"post_status"`
		} `json:"post"`
		Permalink       string `json:"post_permalink"`
		PermalinkBefore string `json:"post_permalink_before"`
	}
	if err := decode("wordpress", body, &p); err != nil {
		return Change{}, err
	}
	ch := Change{Event: "post"}
	it := Fields{ID: idString(p.PostID)}
	if p.Post != nil {
		it.Slug, it.Model = p.Post.Name, p.Post.Type
		if it.ID == "" {
			it.ID = idString(p.Post.ID)
		}
		if p.Post.Status != "" {
			ch.Event = "post." + p.Post.Status
		}
	}
	var problems []string
	for _, f := range []struct{ name, url string }{{"post_permalink", p.Permalink}, {"post_permalink_before", p.PermalinkBefore}} {
		if f.url == "" || (f.name == "post_permalink_before" && f.url == p.Permalink) {
			continue
		}
		if !isHTTPURL(f.url) {
			problems = append(problems, fmt.Sprintf("%s: %q is not an absolute http(s) URL", f.name, f.url))
			continue
		}
		ch.URLs = append(ch.URLs, f.url)
	}
	if len(problems) > 0 {
		return Change{}, bad("wordpress", problems...)
	}
	if len(ch.URLs) == 0 {
		if it.Slug == "" && it.ID == "" {
			return Change{}, bad("wordpress", "the body has no post_permalink, post_id or post.post_name")
		}
		it.Path = ""
		ch.Items = []Fields{it}
	}
	return ch, nil
}
