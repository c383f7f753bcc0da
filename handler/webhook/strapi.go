package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// strapiRefresh are the Strapi entry events that change what readers see.
var strapiRefresh = map[string]bool{
	"entry.publish":   true,
	"entry.unpublish": true,
	"entry.update":    true,
	"entry.delete":    true,
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

// ParseStrapi reads a Strapi v4/v5 webhook. entry.*: model, entry.id,
// entry.slug and entry.locale fill the route's templates. media.create,
// media.update and media.delete refresh the file's URL (and its resized
// copies') when it is on an allowlisted domain, and fill {path} templates
// with its path. Other events (entry.create, ...) need no refresh.
func ParseStrapi(body []byte, header http.Header) (Change, error) {
	var p struct {
		Event string `json:"event"`
		Model string `json:"model"`
		Entry *struct {
			ID         json.RawMessage `json:"id"`
			DocumentID string          `json:"documentId"`
			Slug       string          `json:"slug"`
			Locale     string          `json:"locale"`
		} `json:"entry"`
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
	case event == "media.create" || event == "media.update" || event == "media.delete":
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
	id := idString(p.Entry.ID)
	if id == "" {
		id = p.Entry.DocumentID
	}
	return Change{Event: event, Items: []Fields{{Slug: p.Entry.Slug, ID: id, Model: p.Model, Locale: p.Entry.Locale}}}, nil
}

// change names the upload's file and its resized copies: absolute URLs as
// assets, and every path as an item for {path} templates.
func (m *strapiMedia) change(event string) (Change, error) {
	if m == nil || m.URL == "" {
		return Change{}, bad("strapi", "media.url: is required")
	}
	ch := Change{Event: event}
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
