package refresh

import (
	"fmt"
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/webhook"
)

// route is a webhook route's compiled templates.
type route struct {
	*config.WebhookRoute
	templates []*Template
}

// webhookPlaceholders are the names a webhook URL template may use.
var webhookPlaceholders = []string{"slug", "id", "model", "locale", "path"}

func compileRoute(name string, w *config.WebhookRoute, allow *Allowlist) (*route, []string) {
	templates, problems := compileTemplates(name+".urls", w.URLs, webhookPlaceholders, allow, nil)
	return &route{WebhookRoute: w, templates: templates}, problems
}

// RoutePlan is what a webhook change asks to refresh on one route.
type RoutePlan struct {
	*Plan
	// Outside lists the paths that are not on the allowlist, or would
	// refresh a whole domain; nothing is submitted when there are any.
	Outside []string
	// Note says why nothing was planned, when nothing was, and which
	// template fields were refused.
	Note string
}

// PlanChange turns a payload's change on the route at path into refresh
// paths: the URLs it carries, and the route's templates filled from its
// items.
func (pl *Planner) PlanChange(path string, ch webhook.Change) RoutePlan {
	r, ok := pl.routes[path]
	if !ok {
		return RoutePlan{Plan: &Plan{}, Note: fmt.Sprintf("no webhook route for %q", path)}
	}
	rp := RoutePlan{Plan: &Plan{Wait: r.Wait}}
	add := func(objectType, path string) {
		if dotSegment(urlPathOf(path)) {
			rp.Outside = append(rp.Outside, fmt.Sprintf("%q has a '.' or '..' segment once decoded, which the CDN may resolve away", path))
			return
		}
		if err := pl.allow.Check(path); err != nil {
			rp.Outside = append(rp.Outside, err.Error())
			return
		}
		if objectType == config.TypeDirectory && IsRoot(path) && !pl.cfg.AllowRootDirectory {
			rp.Outside = append(rp.Outside, fmt.Sprintf("%q would refresh the whole domain; set allowRootDirectory to allow it", path))
			return
		}
		rp.add(objectType, path)
	}
	urlType := config.TypeFile
	if ch.ObjectType != "" {
		urlType = ch.ObjectType
	}
	for _, u := range ch.URLs {
		add(urlType, NormalizeURL(u))
	}
	filled := 0
	var refused []string
	for _, it := range ch.Items {
		for _, t := range r.templates {
			if note := dotField(t, it); note != "" {
				refused = append(refused, note)
				continue
			}
			path, ok := t.Expand(func(name string) (string, bool) { return templateValue(it, name) })
			if !ok {
				continue
			}
			filled++
			add(r.RefreshType(), path)
		}
	}
	if rp.Size() == 0 && len(rp.Outside) == 0 && len(refused) == 0 {
		rp.Note = r.emptyNote(ch, filled)
	}
	if len(refused) > 0 {
		rp.Note = strings.Join(refused, "; ")
	}
	return rp
}

// dotField returns a note when a field that template t uses has a '.' or
// '..' segment, or decodes to one: the template is not filled from it, as
// an OSS key with one is skipped.
func dotField(t *Template, f webhook.Fields) string {
	for _, name := range webhookPlaceholders {
		if v, _ := fieldsValue(f, name); v != "" && t.Has(name) && dotSegment(v) {
			if len(v) > 60 {
				v = v[:60] + "..."
			}
			return fmt.Sprintf("template %s not filled: {%s} %q has a '.' or '..' segment, or decodes to one, which would point elsewhere on the domain", t, name, v)
		}
	}
	return ""
}

// urlPathOf returns the path of an absolute URL: what follows the host, up
// to a query or fragment.
func urlPathOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return ""
	}
	p, _, _ := strings.Cut(rest[i:], "?")
	p, _, _ = strings.Cut(p, "#")
	return p
}

// emptyNote says why a change planned nothing.
func (r *route) emptyNote(ch webhook.Change, filled int) string {
	switch {
	case len(ch.Items) == 0:
		return "the payload names nothing to refresh"
	case len(r.templates) == 0:
		return "the payload carries no URL and the route has no URL templates"
	case filled == 0:
		return fmt.Sprintf("no URL template could be filled from the payload (it has %s)", strings.Join(itemFields(ch.Items), ", "))
	}
	return ""
}

// itemFields lists the template fields that the items fill.
func itemFields(items []webhook.Fields) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		for _, name := range webhookPlaceholders {
			if v, ok := fieldsValue(it, name); ok && v != "" && !seen[name] {
				seen[name] = true
				out = append(out, "{"+name+"}")
			}
		}
	}
	if len(out) == 0 {
		return []string{"no template fields"}
	}
	return out
}

func fieldsValue(f webhook.Fields, name string) (string, bool) {
	switch name {
	case "slug":
		return f.Slug, true
	case "id":
		return f.ID, true
	case "model":
		return f.Model, true
	case "locale":
		return f.Locale, true
	case "path":
		return f.Path, true
	}
	return "", false
}

// templateValue returns a field, encoded for a URL path by EscapePath, as
// OSS keys are. An empty field cannot fill a template; {path} must be
// absolute.
func templateValue(f webhook.Fields, name string) (string, bool) {
	v, _ := fieldsValue(f, name)
	if v == "" || (name == "path" && !strings.HasPrefix(v, "/")) {
		return "", false
	}
	return EscapePath(v), true
}
