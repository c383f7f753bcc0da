package webhook

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ghostScheme is X-Ghost-Signature: "sha256=<hex>, t=<ms>", where hex is
// HMAC-SHA256(secret, body followed by the timestamp's digits).
var ghostScheme = paramScheme{header: "X-Ghost-Signature", sigKey: "sha256", encoding: "hex", decode: hex.DecodeString,
	message: func(ts string, body []byte) [][]byte { return [][]byte{body, []byte(ts)} }, single: true}

// NewGhostVerifier checks X-Ghost-Signature (ghostScheme). Ghost checks no
// age itself, so the timestamp must be within window of now.
func NewGhostVerifier(secrets []string, window time.Duration) Verifier {
	return &paramVerifier{newStamped(secrets, window), ghostScheme}
}

// ghostItem is a Ghost post or page, or the keys of its previous state.
// Ghost's webhook serializer puts in previous only the keys that changed,
// so previous.url is missing unless the post was deleted; a post or page
// that is not published is serialized with url = its preview link
// /p/<uuid>/ (TryGhost/Ghost core/server/api/endpoints/utils/serializers/
// output/utils/url.js; e2e-webhooks snapshots).
type ghostItem struct {
	ID   string `json:"id"`
	UUID string `json:"uuid"`
	Slug string `json:"slug"`
	ghostListed
	Status    string `json:"status"`
	URL       string `json:"url"`
	UpdatedAt string `json:"updated_at"`
}

// ghostListed are the tags and authors whose pages list an item.
type ghostListed struct {
	Tags    []ghostTerm `json:"tags"`
	Authors []ghostTerm `json:"authors"`
}

// ghostTerm is a tag or an author as Ghost serializes it; an internal tag
// (visibility "internal", a name starting with #) has no public page.
type ghostTerm struct {
	Slug       string `json:"slug"`
	Visibility string `json:"visibility"`
	URL        string `json:"url"`
}

type ghostState struct {
	Current  *ghostItem `json:"current"`
	Previous *ghostItem `json:"previous"`
}

// ParseGhost reads a Ghost post.* or page.* webhook. A published post's URL
// is refreshed; on a slug change, the old URL too. An unpublished post's
// url is its preview link, which nobody visits: its live URL is rebuilt
// from the slug, through the route's templates or else from the site URL.
// On delete (current is {}), the old URL is rebuilt from previous.slug.
// Tags and authors fill the route's related templates.
func ParseGhost(body []byte) (Change, error) {
	var p struct {
		Post *ghostState `json:"post"`
		Page *ghostState `json:"page"`
	}
	if err := decode("ghost", body, &p); err != nil {
		return Change{}, err
	}
	st, what := p.Post, "post"
	if st == nil {
		st, what = p.Page, "page"
	}
	if st == nil {
		return ghostOther(body), nil
	}
	cur, prev := st.Current, st.Previous
	if prev == nil {
		prev = &ghostItem{}
	}
	var ch Change
	var err error
	switch {
	case cur == nil || (cur.ID == "" && cur.URL == "" && cur.Slug == ""):
		ch = ghostDeleted(what, prev)
		// Deleting a published post sends post.unpublished, then
		// post.deleted, with one body: one revision, refreshed once.
		ch.Revision = prev.UpdatedAt
	case !cur.live():
		ch = ghostUnpublished(what, cur, prev)
		ch.Revision = cur.UpdatedAt
	default:
		ch, err = ghostPublished(what, cur, prev)
		ch.Revision = cur.UpdatedAt
	}
	if ch.Ignored != "" {
		ch.Revision = ""
	}
	return ch, err
}

// ghostOther answers a Ghost event that names no post or page: site.changed
// sends {} (with every change, Ghost 5.x's emit-events middleware), tag.*
// their tag (ghostTag), and member.* and the others their own resource.
// Each but a tag's is a deliberate 2xx "ignored", with the reason, not a
// malformed body, which would mark the webhook as failing in Ghost.
func ghostOther(body []byte) Change {
	var top map[string]json.RawMessage
	_ = json.Unmarshal(body, &top)
	keys := sortedKeys(top)
	switch {
	case len(keys) == 0:
		return Change{Event: "site.changed", Ignored: "Ghost's site.changed names nothing: the post or page event sent with it says what changed"}
	case keys[0] == "tag":
		var st ghostState
		_ = json.Unmarshal(top["tag"], &st)
		return ghostTag(&st)
	}
	what := keys[0]
	return Change{Event: what, Ignored: fmt.Sprintf("a Ghost %s event, not a post or a page: this route plans posts and pages", what)}
}

// ghostTag refreshes a tag's page: on tag.edited, its URL (current.url)
// and, when the slug changed, the old one (previous holds only the
// changed keys, so previous.slug says so); on tag.deleted (current is {}),
// the page rebuilt from previous.slug through the route's tag templates.
// A new tag's page is new: nothing can have cached it.
func ghostTag(st *ghostState) Change {
	cur, prev := st.Current, st.Previous
	if prev == nil {
		prev = &ghostItem{}
	}
	switch {
	case cur == nil || (cur.ID == "" && cur.URL == "" && cur.Slug == ""):
		if prev.Slug == "" {
			return Change{Event: "tag.deleted", Ignored: "deleted tag without previous.slug: no URL to rebuild"}
		}
		return Change{Event: "tag.deleted", Items: []Fields{{Slug: prev.Slug, ID: prev.ID, Model: "tag"}}, Revision: prev.UpdatedAt}
	case prev.ID == "" && prev.Slug == "" && prev.UpdatedAt == "":
		return Change{Event: "tag.added", Ignored: "a new tag: its page is new, nothing can have cached it"}
	}
	ch := Change{Event: "tag.edited", Revision: cur.UpdatedAt}
	if cur.URL == "" || !isHTTPURL(cur.URL) {
		ch.Items = []Fields{{Slug: cur.Slug, ID: cur.ID, Model: "tag"}}
		if prev.Slug != "" && prev.Slug != cur.Slug {
			ch.Items = append(ch.Items, Fields{Slug: prev.Slug, ID: cur.ID, Model: "tag"})
		}
		return ch
	}
	ch.URLs = []string{cur.URL}
	if prev.Slug != "" && prev.Slug != cur.Slug {
		if old := replaceSlug(cur.URL, cur.Slug, prev.Slug); old != "" {
			ch.URLs = append(ch.URLs, old)
		}
	}
	return ch
}

// live reports whether the item is published: its status says so, or, with
// no status, its url is not the preview link.
func (it *ghostItem) live() bool {
	return it.Status == "published" || (it.Status == "" && it.previewSite() == "")
}

// previewSite returns the site URL that the item's preview link /p/<uuid>/
// hangs from, with its trailing '/', or "" when url is not a preview link.
func (it *ghostItem) previewSite() string {
	u, err := url.Parse(it.URL)
	suffix := "/p/" + it.UUID + "/"
	if err != nil || it.UUID == "" || !isHTTPURL(it.URL) || !strings.HasSuffix(u.Path, suffix) {
		return ""
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = strings.TrimSuffix(u.Path, suffix)+"/", "", "", ""
	return u.String()
}

// ghostPublished refreshes a published item's URL, and its old URL when
// the slug changed while it was live.
func ghostPublished(what string, cur, prev *ghostItem) (Change, error) {
	ch := Change{Event: what + ".published"}
	subject := Fields{Slug: cur.Slug, ID: cur.ID, Model: what, Path: urlPath(cur.URL)}
	if cur.URL != "" {
		if !isHTTPURL(cur.URL) {
			return Change{}, bad("ghost", fmt.Sprintf("%s.current.url: %q is not an absolute http(s) URL", what, cur.URL))
		}
		ch.URLs = append(ch.URLs, cur.URL)
	}
	ch.Items = append(ch.Items, subject)
	if prev.Slug != "" && prev.Slug != cur.Slug && (prev.Status == "" || prev.Status == "published") {
		ch.Event = what + ".slug-changed"
		id := prev.ID
		if id == "" {
			id = cur.ID
		}
		old := prev.URL
		if old == "" {
			old = replaceSlug(cur.URL, cur.Slug, prev.Slug)
		}
		if old != "" {
			ch.URLs = append(ch.URLs, old)
		} else {
			ch.Items = append(ch.Items, Fields{Slug: prev.Slug, ID: id, Model: what})
		}
	}
	if len(ch.URLs) > 0 {
		ch.Items = nil // the payload's own URLs are exact; templates are for the rest
	}
	ch.Related = ghostRelated(subject, cur, prev)
	return ch, nil
}

// ghostUnpublished refreshes the live URL of an item that was published
// and no longer is: from its slug (the live one, previous.slug if that
// changed too) through the route's templates, or else the site URL plus
// the slug, as Ghost's default routes (/{slug}/ for posts and pages) serve
// it (Ghost core/server/services/route-settings/default-routes.yaml).
func ghostUnpublished(what string, cur, prev *ghostItem) Change {
	status := cur.Status
	if status == "" {
		status = "not published"
	}
	if prev.Status != "published" {
		return Change{Event: what + "." + status, Ignored: fmt.Sprintf("the %s is %s and was not published before: nothing live changed", what, status)}
	}
	slug := prev.Slug
	if slug == "" {
		slug = cur.Slug
	}
	if slug == "" {
		return Change{Event: what + ".unpublished", Ignored: "unpublished " + what + " without a slug: no URL to rebuild"}
	}
	item := Fields{Slug: slug, ID: cur.ID, Model: what}
	if site := cur.previewSite(); site != "" {
		item.Fallback = site + url.PathEscape(slug) + "/"
	}
	return Change{Event: what + ".unpublished", Items: []Fields{item}, Related: ghostRelated(item, cur, prev)}
}

// ghostDeleted refreshes a deleted item's live URL: previous.url when it
// is one, else rebuilt from previous.slug through the route's templates.
func ghostDeleted(what string, prev *ghostItem) Change {
	event := what + ".deleted"
	switch {
	case prev.Slug == "":
		return Change{Event: event, Ignored: "deleted " + what + " without previous.slug: no URL to rebuild"}
	case !prev.live():
		return Change{Event: event, Ignored: fmt.Sprintf("the deleted %s was %s, never live: nothing to refresh", what, prev.Status)}
	}
	subject := Fields{Slug: prev.Slug, ID: prev.ID, Model: what}
	ch := Change{Event: event, Related: ghostRelated(subject, prev, &ghostItem{})}
	if prev.URL != "" && isHTTPURL(prev.URL) {
		ch.URLs = []string{prev.URL}
		return ch
	}
	// Ghost 5.130 sends no previous.url on delete: the live URL is rebuilt
	// through the route's templates, or else from the site URL that its
	// tags' and authors' URLs give (a deleted post's tags point at
	// <site>/404/), as Ghost's default routes serve it (/{slug}/).
	if site := prev.siteURL(); site != "" {
		subject.Fallback = site + url.PathEscape(prev.Slug) + "/"
	}
	ch.Items = []Fields{subject}
	return ch
}

// siteURL returns the site URL, with its trailing '/', that the item's
// authors' pages (<site>/author/<slug>/) or tags' (<site>/tag/<slug>/, or
// <site>/404/ for a deleted post's) hang from; "" when none says.
func (it *ghostItem) siteURL() string {
	for _, t := range it.Authors {
		if site, ok := strings.CutSuffix(t.URL, "/author/"+t.Slug+"/"); ok && isHTTPURL(site) {
			return site + "/"
		}
	}
	for _, t := range it.Tags {
		for _, tail := range []string{"/tag/" + t.Slug + "/", "/404/"} {
			if site, ok := strings.CutSuffix(t.URL, tail); ok && isHTTPURL(site) {
				return site + "/"
			}
		}
	}
	return ""
}

// ghostRelated is the subject, and one term per public tag and per author
// of the item now and before, for the route's related templates.
func ghostRelated(subject Fields, cur, prev *ghostItem) []Fields {
	slugs := func(lists ...[]ghostTerm) []string {
		var out []string
		for _, list := range lists {
			for _, t := range list {
				if t.Visibility != "internal" && !slices.Contains(out, t.Slug) {
					out = append(out, t.Slug)
				}
			}
		}
		return out
	}
	subject.Fallback = ""
	return append([]Fields{subject}, terms(subject, slugs(cur.Tags, prev.Tags), nil, slugs(cur.Authors, prev.Authors))...)
}

// replaceSlug swaps the last path segment of rawURL that equals slug for
// old; "" when there is none.
func replaceSlug(rawURL, slug, old string) string {
	if rawURL == "" || slug == "" {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	segs := strings.Split(u.Path, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] == slug {
			segs[i] = old
			u.Path = strings.Join(segs, "/")
			u.RawPath = ""
			return u.String()
		}
	}
	return ""
}
