package webhook

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// strapiRefresh are the Strapi entry events that may change what readers
// see; whether one does is read from its entry (strapiEntry.live).
var strapiRefresh = map[string]bool{
	"entry.create":    true,
	"entry.publish":   true,
	"entry.unpublish": true,
	"entry.update":    true,
	"entry.delete":    true,
}

// strapiEntry is an entry as Strapi's entry.* events carry it. In Strapi
// 5, entry.create, entry.update and entry.publish re-read it deep-populated
// one level, so a relation comes whole: its slug fills {category}, {tag}
// and {author}. publishedAt is null for a draft, a date for what is live,
// and absent for a type without draft and publish in Strapi 4.
type strapiEntry struct {
	ID          json.RawMessage `json:"id"`
	DocumentID  string          `json:"documentId"`
	Slug        string          `json:"slug"`
	Locale      string          `json:"locale"`
	UpdatedAt   string          `json:"updatedAt"`
	PublishedAt json.RawMessage `json:"publishedAt"`
	Category    json.RawMessage `json:"category"`
	Categories  json.RawMessage `json:"categories"`
	Tag         json.RawMessage `json:"tag"`
	Tags        json.RawMessage `json:"tags"`
	Author      json.RawMessage `json:"author"`
	Authors     json.RawMessage `json:"authors"`
}

// draft reports whether the entry is a draft: publishedAt present and
// null.
func (e *strapiEntry) draft() bool {
	return e.PublishedAt != nil && strings.TrimSpace(string(e.PublishedAt)) == "null"
}

// relationSlugs returns the slugs of a populated relation: one object, or
// a list of them ({"count": n} and null, as unpublish and delete give a
// relation, hold none).
func relationSlugs(raws ...json.RawMessage) []string {
	var out []string
	for _, raw := range raws {
		var one struct {
			Slug string `json:"slug"`
		}
		var many []struct {
			Slug string `json:"slug"`
		}
		switch {
		case json.Unmarshal(raw, &many) == nil:
			for _, r := range many {
				if r.Slug != "" {
					out = append(out, r.Slug)
				}
			}
		case json.Unmarshal(raw, &one) == nil && one.Slug != "":
			out = append(out, one.Slug)
		}
	}
	return out
}

// strapiMedia is an upload as Strapi's media.* events carry it: media.url
// is the file's URL, relative to the Strapi server ("/uploads/...") with
// the local provider, absolute with a cloud one (strapi/documentation
// webhooks.md). formats, when present, are the resized copies Strapi makes
// of an image, each with its own url.
type strapiMedia struct {
	URL     string `json:"url"`
	Formats map[string]struct {
		URL string `json:"url"`
	} `json:"formats"`
}

// ParseStrapi reads a Strapi v4/v5 webhook. entry.*: model, entry.id (or
// documentId), entry.slug and entry.locale fill the route's templates,
// and a populated relation's slug {category}, {tag} or {author} its
// related ones. What changes nothing live needs no refresh: a draft saved
// (entry.update with publishedAt null: Strapi 5's Publish saves the draft
// first, then sends entry.publish), created or deleted. entry.create of
// what is live at once (a type without draft and publish) is a publish.
// media.update and media.delete refresh the file's URL (and its resized
// copies') when it is on an allowlisted domain, and fill {path} templates
// with its path; media.create refreshes nothing: an upload's name carries
// a random hash, so nothing can have cached it.
func ParseStrapi(body []byte, header http.Header) (Change, error) {
	var p struct {
		Event string       `json:"event"`
		Model string       `json:"model"`
		Entry *strapiEntry `json:"entry"`
		Media *strapiMedia `json:"media"`
	}
	if err := decode("strapi", body, &p); err != nil {
		return Change{}, err
	}
	event := p.Event
	if event == "" {
		event = strings.TrimSpace(header.Get("X-Strapi-Event"))
	}
	switch {
	case event == "media.create":
		return Change{Event: event, Ignored: "a new upload: its name carries a random hash, so nothing can have cached it"}, nil
	case event == "media.update" || event == "media.delete":
		return p.Media.change(event)
	case !strapiRefresh[event]:
		return Change{Event: event, Ignored: "strapi event " + quote(event) + " needs no refresh"}, nil
	}
	var problems []string
	if p.Model == "" {
		problems = append(problems, "model: is required")
	}
	if p.Entry == nil {
		problems = append(problems, "entry: is required")
	}
	if len(problems) > 0 {
		return Change{}, bad("strapi", problems...)
	}
	e := p.Entry
	if e.draft() && event != "entry.unpublish" {
		return Change{Event: event, Ignored: "a draft (publishedAt is null): nothing live changed"}, nil
	}
	id := idString(e.ID)
	if id == "" {
		id = e.DocumentID
	}
	subject := Fields{Slug: e.Slug, ID: id, Model: p.Model, Locale: e.Locale}
	ch := Change{Event: event, Items: []Fields{subject}}
	if e.UpdatedAt != "" {
		ch.Revision = e.UpdatedAt + " " + string(e.PublishedAt)
	}
	if doc := cmp.Or(e.DocumentID, id); doc != "" {
		ch.Document = p.Model + ":" + doc + ":" + e.Locale
	}
	ch.Related = append([]Fields{subject}, terms(subject, relationSlugs(e.Tag, e.Tags), relationSlugs(e.Category, e.Categories), relationSlugs(e.Author, e.Authors))...)
	return ch, nil
}

// change names the upload's file and its resized copies: absolute URLs as
// assets, and every path as an item for {path} templates.
func (m *strapiMedia) change(event string) (Change, error) {
	if m == nil || m.URL == "" {
		return Change{}, bad("strapi", "media.url: is required")
	}
	ch := Change{Event: event, Upload: true}
	urls := []string{m.URL}
	for _, name := range sortedKeys(m.Formats) {
		if u := m.Formats[name].URL; u != "" {
			urls = append(urls, u)
		}
	}
	for _, u := range urls {
		path := u
		switch {
		case isHTTPURL(u):
			ch.Assets = append(ch.Assets, u)
			path = urlPath(u)
		case !strings.HasPrefix(u, "/"):
			return Change{}, bad("strapi", fmt.Sprintf("media url %q is neither an absolute http(s) URL nor a path", u))
		}
		// No {id}: an upload's ID would fill entry templates such as
		// /articles/{id}/ with a page that does not exist.
		ch.Items = append(ch.Items, Fields{Model: "media", Path: path})
	}
	return ch, nil
}

func quote(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
