package webhook

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// wordpressVerifier checks X-WP-Webhook-Signature.
type wordpressVerifier struct{ keys [][]byte }

// NewWordPressVerifier checks "X-WP-Webhook-Signature: base64(HMAC-SHA256(
// secret, body))", as the WP Webhooks plugin signs. The scheme has no
// timestamp, so there is no replay window. The plugin dropped its trigger
// secret setting in 3.0.1 ("Deprecated trigger secret (Can be set only
// with WordPress hooks)", Ironikus/wp-webhooks readme.txt changelog), so
// only a site that sets the secret through that filter sends the header;
// a wordpress route's default is the Bearer token that the plugin's
// authentication templates send (DefaultAuth).
func NewWordPressVerifier(secrets []string) Verifier {
	return &wordpressVerifier{keys: byteKeys(secrets)}
}

// Verify checks X-WP-Webhook-Signature against the MAC of the body; the
// proof is keyed by that MAC (the scheme has no timestamp).
func (v *wordpressVerifier) Verify(r *Request, _ time.Time) (Proof, error) {
	vals, err := requireHeaders(r, "X-WP-Webhook-Signature")
	if err != nil {
		return Proof{}, err
	}
	sig, err := base64.StdEncoding.DecodeString(vals[0])
	if err != nil {
		return Proof{}, unauthorized("X-WP-Webhook-Signature is not base64")
	}
	return bodyProof(v.keys, sig, r.Body)
}

// wpPost is the part of a WP_Post that a route reads. WP Webhooks sends
// the post as it is now in post and as it was in post_before; post_meta is
// get_post_meta() (each key a list of values, or [] when there is none),
// post_permalink is get_permalink(), and there is no
// post_permalink_before (Ironikus/wp-webhooks
// core/includes/integrations/wordpress/triggers/post_update.php,
// post_trash.php, post_delete.php).
type wpPost struct {
	ID     json.RawMessage `json:"ID"`
	Name   string          `json:"post_name"`
	Type   string          `json:"post_type"`
	Status string          `json:"post_status"`
}

// wpPayload is a WP Webhooks post_* payload. post_before, post_meta and
// taxonomies are read leniently: the plugin sends PHP's false or [] when
// there is nothing.
type wpPayload struct {
	PostID     json.RawMessage `json:"post_id"`
	Post       *wpPost         `json:"post"`
	Before     json.RawMessage `json:"post_before"`
	Meta       json.RawMessage `json:"post_meta"`
	Permalink  string          `json:"post_permalink"`
	Taxonomies json.RawMessage `json:"taxonomies"`
}

// ParseWordPress reads a WP Webhooks post_* payload and refreshes the
// post's live URL: post_permalink while it is published; on a slug change,
// the old URL too, from post_before.post_name; once it is trashed,
// unpublished or made private, the URL it was live at (the permalink of a
// draft is /?p=ID, and a trashed post's slug is <slug>__trashed). A URL
// the payload does not carry comes from the route's templates, filled
// with the live slug, or else from post_permalink with the live slug put
// back.
func ParseWordPress(body []byte) (Change, error) {
	var p wpPayload
	if err := decode("wordpress", body, &p); err != nil {
		return Change{}, err
	}
	if p.Permalink != "" && !isHTTPURL(p.Permalink) {
		return Change{}, bad("wordpress", fmt.Sprintf("post_permalink: %q is not an absolute http(s) URL", p.Permalink))
	}
	post := p.Post
	if post == nil {
		post = &wpPost{}
	}
	post.Name = wpSlug(post.Name)
	id := idString(p.PostID)
	if id == "" {
		id = idString(post.ID)
	}
	if id == "" && post.Name == "" && p.Permalink == "" {
		return Change{}, bad("wordpress", "the body has no post_permalink, post_id or post.post_name")
	}
	ch := Change{Event: "post"}
	if post.Status != "" {
		ch.Event = "post." + post.Status
	}
	subject := Fields{Slug: post.Name, ID: id, Model: post.Type, Path: urlPath(p.Permalink)}
	switch post.Status {
	case "publish", "":
		ch = p.published(ch, subject, post)
	default:
		if ch = p.unpublished(ch, subject, post); ch.Ignored != "" {
			return ch, nil
		}
		subject = Fields{Slug: ch.Items[0].Slug, ID: id, Model: post.Type}
	}
	tags, categories := p.terms()
	ch.Related = append([]Fields{subject}, terms(subject, tags, categories, nil)...)
	return ch, nil
}

// published refreshes the permalink of a published post, and the URL it had
// under the old slug when post_before shows it published under another.
func (p *wpPayload) published(ch Change, subject Fields, post *wpPost) Change {
	if p.Permalink != "" {
		ch.URLs = []string{p.Permalink}
	} else {
		ch.Items = []Fields{subject}
	}
	if before := p.before(); before != nil && before.Status == "publish" && before.Name != "" && before.Name != post.Name {
		ch.Event = "post.slug-changed"
		ch.Items = append(ch.Items, Fields{Slug: before.Name, ID: subject.ID, Model: subject.Model,
			Fallback: replaceSlug(p.Permalink, post.Name, before.Name)})
	}
	return ch
}

// unpublished refreshes the URL a post that left publication was live at.
// A trashed post's live slug is post_meta._wp_desired_post_slug, else
// post_before's, else its own without "__trashed"; any other post's is
// post_before's. A post that post_before shows was not published was never
// live: the change is ignored.
func (p *wpPayload) unpublished(ch Change, subject Fields, post *wpPost) Change {
	before := p.before()
	wasLive := before != nil && before.Status == "publish"
	slug := ""
	if before != nil {
		slug = before.Name
	}
	if post.Status == "trash" {
		wasLive = before == nil || wasLive
		if desired := wpSlug(p.metaValue("_wp_desired_post_slug")); desired != "" {
			slug = desired
		} else if slug == "" {
			slug = strings.TrimSuffix(post.Name, "__trashed")
		}
	}
	if !wasLive || slug == "" {
		ch.Ignored = fmt.Sprintf("the post is %s and was not published before: nothing live changed", post.Status)
		return ch
	}
	ch.Items = []Fields{{Slug: slug, ID: subject.ID, Model: subject.Model, Fallback: replaceSlug(p.Permalink, post.Name, slug)}}
	return ch
}

// before returns post_before, or nil when the plugin sent none.
func (p *wpPayload) before() *wpPost {
	var b wpPost
	if len(p.Before) == 0 || p.Before[0] != '{' || json.Unmarshal(p.Before, &b) != nil {
		return nil
	}
	b.Name = wpSlug(b.Name)
	return &b
}

// metaValue returns the first value of a post_meta key.
func (p *wpPayload) metaValue(key string) string {
	var meta map[string]json.RawMessage
	if json.Unmarshal(p.Meta, &meta) != nil {
		return ""
	}
	var list []string
	if json.Unmarshal(meta[key], &list) == nil && len(list) > 0 {
		return list[0]
	}
	var one string
	json.Unmarshal(meta[key], &one)
	return one
}

// terms returns the slugs of the post's tags and categories, from the
// taxonomies the plugin sends with a post ({taxonomy: {term slug: term}},
// or [] for a taxonomy without terms), sorted; none when it sends none.
func (p *wpPayload) terms() (tags, categories []string) {
	var tax map[string]json.RawMessage
	if json.Unmarshal(p.Taxonomies, &tax) != nil {
		return nil, nil
	}
	slugs := func(raw json.RawMessage) []string {
		var terms map[string]struct {
			Slug string `json:"slug"`
		}
		json.Unmarshal(raw, &terms)
		var out []string
		for key, t := range terms {
			if t.Slug == "" {
				t.Slug = key
			}
			out = append(out, t.Slug)
		}
		sort.Strings(out)
		return out
	}
	return slugs(tax["post_tag"]), slugs(tax["category"])
}

// wpSlug returns a post_name as text. WordPress stores a slug with
// non-ASCII characters percent-encoded (sanitize_title_with_dashes in
// wp-includes/formatting.php); decoded here, it is encoded again by the one
// rule every URL follows, rather than twice. A name that is not valid
// percent-encoding is kept as it is.
func wpSlug(name string) string {
	if !strings.Contains(name, "%") {
		return name
	}
	if s, err := url.PathUnescape(name); err == nil {
		return s
	}
	return name
}
