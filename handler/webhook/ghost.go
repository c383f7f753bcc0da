package webhook

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ghostScheme is X-Ghost-Signature: "sha256=<hex>, t=<ms>", where hex is
// HMAC-SHA256(secret, body followed by the timestamp's digits).
var ghostScheme = paramScheme{header: "X-Ghost-Signature", sigKey: "sha256", encoding: "hex", decode: hex.DecodeString,
	message: func(ts string, body []byte) [][]byte { return [][]byte{body, []byte(ts)} }}

// NewGhostVerifier checks X-Ghost-Signature (ghostScheme). Ghost checks no
// age itself, so the timestamp must be within window of now.
func NewGhostVerifier(secrets []string, window time.Duration) Verifier {
	return &paramVerifier{newStamped(secrets, window), ghostScheme}
}

// SignGhost returns the X-Ghost-Signature value Ghost would send at t.
func SignGhost(secret string, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.UnixMilli(), 10)
	return "sha256=" + hex.EncodeToString(macSHA256([]byte(secret), body, []byte(ts))) + ", t=" + ts
}

// ghostItem is a Ghost post or page, or the changed keys of its previous
// state.
type ghostItem struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	URL  string `json:"url"`
}

type ghostState struct {
	Current  *ghostItem `json:"current"`
	Previous *ghostItem `json:"previous"`
}

// ParseGhost reads a Ghost post.* or page.* webhook. The current URL is
// refreshed; on a slug change, the old URL too; on delete (current is {}),
// the old URL is rebuilt from previous.slug through the route's templates.
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
		return Change{}, bad("ghost", "the body has neither post nor page")
	}
	cur, prev := st.Current, st.Previous
	if prev == nil {
		prev = &ghostItem{}
	}
	if cur == nil || (cur.ID == "" && cur.URL == "" && cur.Slug == "") {
		if prev.Slug == "" {
			return Change{Event: what + ".deleted", Ignored: "deleted " + what + " without previous.slug: no URL to rebuild"}, nil
		}
		return Change{Event: what + ".deleted", Items: []Fields{{Slug: prev.Slug, ID: prev.ID}}}, nil
	}
	ch := Change{Event: what + ".published"}
	if cur.URL != "" {
		if !isHTTPURL(cur.URL) {
			return Change{}, bad("ghost", fmt.Sprintf("%s.current.url: %q is not an absolute http(s) URL", what, cur.URL))
		}
		ch.URLs = append(ch.URLs, cur.URL)
	}
	ch.Items = append(ch.Items, Fields{Slug: cur.Slug, ID: cur.ID, Path: urlPath(cur.URL)})
	if prev.Slug != "" && prev.Slug != cur.Slug {
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
			ch.Items = append(ch.Items, Fields{Slug: prev.Slug, ID: id})
		}
	}
	if len(ch.URLs) > 0 {
		ch.Items = nil // the payload's own URLs are exact; templates are for deletes
	}
	return ch, nil
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
