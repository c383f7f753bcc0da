package handler

import (
	"fmt"
	"net/url"
	"strings"

	"vodrefresh/handler/webhook"
)

// plan turns a payload's change into refresh paths: the URLs it carries, and
// the route's templates filled from its items. outside lists the paths that
// are not on the allowlist (or would refresh a whole domain); note says why
// nothing was planned, when nothing was.
func (r *route) plan(ch webhook.Change, allow *Allowlist, allowRoot bool) (p *Plan, outside []string, note string) {
	p = &Plan{wait: r.Wait}
	add := func(objectType, path string) {
		if err := allow.Check(path); err != nil {
			outside = append(outside, err.Error())
			return
		}
		if objectType == TypeDirectory && IsRoot(path) && !allowRoot {
			outside = append(outside, fmt.Sprintf("%q would refresh the whole domain; set allowRootDirectory to allow it", path))
			return
		}
		p.add(objectType, path)
	}
	urlType := TypeFile
	if ch.ObjectType != "" {
		urlType = ch.ObjectType
	}
	for _, u := range ch.URLs {
		add(urlType, normalizeURL(u))
	}
	filled := 0
	for _, it := range ch.Items {
		for _, t := range r.templates {
			path, ok := t.Expand(func(name string) (string, bool) { return templateValue(it, name) })
			if !ok {
				continue
			}
			filled++
			add(r.objectType, path)
		}
	}
	if p.Size() == 0 && len(outside) == 0 {
		switch {
		case len(ch.Items) == 0:
			note = "the payload names nothing to refresh"
		case len(r.templates) == 0:
			note = "the payload carries no URL and the route has no URL templates"
		case filled == 0:
			note = fmt.Sprintf("no URL template could be filled from the payload (it has %s)", strings.Join(itemFields(ch.Items), ", "))
		}
	}
	return p, outside, note
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

// templateValue returns a field, encoded for a URL path. An empty field
// cannot fill a template. {path} is already an escaped path and must be
// absolute.
func templateValue(f webhook.Fields, name string) (string, bool) {
	v, _ := fieldsValue(f, name)
	if v == "" {
		return "", false
	}
	if name == "path" {
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?# ") {
			return "", false
		}
		return v, true
	}
	return EscapePath(v), true
}

// normalizeURL rewrites the path of a URL that a CMS sent by the encoding
// rule (EscapePath), so that "/a b", "/a%20b" and "/über" reach VOD as a
// browser requests them. A URL that does not parse is returned as it is,
// for the allowlist check to reject.
func normalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || strings.Contains(u.RawPath, "%2F") || strings.Contains(u.RawPath, "%2f") {
		return raw // an encoded '/' must stay encoded: leave the URL alone
	}
	out := u.Scheme + "://" + u.Host + EscapePath(u.Path)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}
