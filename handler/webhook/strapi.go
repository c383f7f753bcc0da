package webhook

import (
	"encoding/json"
	"net/http"
	"strings"
)

// strapiRefresh are the Strapi events that change what readers see.
var strapiRefresh = map[string]bool{
	"entry.publish":   true,
	"entry.unpublish": true,
	"entry.update":    true,
	"entry.delete":    true,
}

// ParseStrapi reads a Strapi v4/v5 entry.* webhook: model, entry.id,
// entry.slug and entry.locale fill the route's templates. Other events
// (entry.create, media.*, ...) need no refresh.
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
	}
	if err := decode("strapi", body, &p); err != nil {
		return Change{}, err
	}
	event := p.Event
	if event == "" {
		event = strings.TrimSpace(header.Get("X-Strapi-Event"))
	}
	if !strapiRefresh[event] {
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

func quote(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
