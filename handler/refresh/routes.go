package refresh

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
)

// routeTemplates are a webhook route's compiled templates, kept by the
// route's configuration (see Planner).
type routeTemplates struct {
	*config.WebhookRoute
	templateSet
	models map[string]templateSet // by kind of content, replacing the route's own
}

// templateSet is the templates of a route, or of one kind of content on it.
type templateSet struct {
	templates []*Template // urls: the content's own URLs
	related   []*Template // refreshed with every accepted event
}

// webhookPlaceholders are the names a webhook URL template may use.
var webhookPlaceholders = change.Placeholders()

// termPlaceholders fill from one term each, so a template uses one at most.
var termPlaceholders = []string{"tag", "category", "author"}

// compileRoute compiles a route's urls and related templates. A template
// that no payload of the route's kind can fill, a urls template with no
// placeholder (which no payload selects), or no urls for a kind whose
// payloads carry no URL, is a problem at start-up rather than a template
// skipped on every event.
func compileRoute(name string, w *config.WebhookRoute, allow *Allowlist) (*routeTemplates, []string) {
	r := &routeTemplates{WebhookRoute: w}
	var problems []string
	r.templateSet, problems = r.compileSet(name, w.URLs, w.Related, allow)
	for _, model := range slices.Sorted(maps.Keys(w.Models)) {
		set, more := r.compileSet(fmt.Sprintf("%s.models[%s]", name, model), w.Models[model].URLs, w.Models[model].Related, allow)
		problems = append(problems, more...)
		if r.models == nil {
			r.models = make(map[string]templateSet, len(w.Models))
		}
		r.models[model] = set
	}
	if k, _ := change.KindOf(w.Kind); len(w.URLs) == 0 && k.NoURL {
		problems = append(problems, fmt.Sprintf("%s.urls: a %s route needs URL templates: its payloads carry no URL", name, w.Kind))
	}
	for _, p := range w.OptionProblems() {
		problems = append(problems, name+"."+p)
	}
	return r, problems
}

// compileSet compiles a set of urls and related templates, named under
// name.
func (r *routeTemplates) compileSet(name string, urls, related []string, allow *Allowlist) (templateSet, []string) {
	templates, problems := compileTemplates(name+".urls", urls, webhookPlaceholders, allow, func(t *Template) string {
		if len(t.Names()) == 0 {
			return "has no placeholder, so no payload selects it: put URLs refreshed with every event under related"
		}
		return r.unfillable(t)
	})
	rel, more := compileTemplates(name+".related", related, webhookPlaceholders, allow, r.unfillable)
	return templateSet{templates: templates, related: rel}, append(problems, more...)
}

// set returns the templates for ch's kind of content: the model's, when
// the route gives them, else the route's own.
func (r *routeTemplates) set(ch change.Change) templateSet {
	for _, list := range [][]change.Fields{ch.Items, ch.Related} {
		for _, it := range list {
			if set, ok := r.models[it.Model]; ok && it.Model != "" {
				return set
			}
			if it.Model != "" {
				return r.templateSet
			}
		}
	}
	return r.templateSet
}

// unfillable says why no payload of the route's kind can fill t, or "".
func (r *routeTemplates) unfillable(t *Template) string {
	k, _ := change.KindOf(r.Kind)
	sent := k.Fields
	var never, terms []string
	for _, n := range t.Names() {
		if !slices.Contains(sent, n) && r.Defaults[n] == "" {
			never = append(never, "{"+n+"}")
		}
		if slices.Contains(termPlaceholders, n) && !slices.Contains(terms, n) {
			terms = append(terms, n)
		}
	}
	switch {
	case len(never) > 0:
		return fmt.Sprintf("a %s payload never sends %s (give it under defaults, or drop it)", r.Kind, strings.Join(never, ", "))
	case len(terms) > 1:
		return "uses more than one of {tag}, {category} and {author}, which fill from one term each"
	}
	return ""
}

// RoutePlan is what a webhook change asks to refresh on one route.
type RoutePlan struct {
	*Plan
	// Outside lists the paths that are not on the allowlist, or would
	// refresh a whole domain; nothing is submitted when there are any.
	Outside []string
	// TooLong lists the paths longer than one refresh call carries, each
	// shortened, with its length; nothing is submitted when there are any.
	TooLong []string
	// Note says why the content's own URLs planned nothing, when they did
	// not (related URLs may still be planned), and which template fields
	// were refused.
	Note string
	// Notes list what the change named but is not refreshed, and why: an
	// asset off the allowlist, a template the payload did not fill.
	Notes []string
	// Content lists the paths of the content itself (its URLs, assets and
	// filled urls templates); Related those of the related pages, which a
	// deployment may refresh once for a burst of changes; the change's
	// Previous URLs are neither.
	Content, Related []string
}

// changePlan is a RoutePlan being built for one route.
type changePlan struct {
	RoutePlan
	pl      *Planner
	r       *routeTemplates
	refused []string // templates not filled from a field with a dot segment
}

// PlanChange turns a payload's change on the route w, one of the planner's
// configuration, into refresh paths: the URLs it carries, its assets that
// are on the allowlist, the route's templates filled from its items (or an
// item's fallback URL when none fills), and, unless the event is ignored,
// the route's related URLs.
func (pl *Planner) PlanChange(w *config.WebhookRoute, ch change.Change) RoutePlan {
	r, ok := pl.routes[w]
	if !ok {
		return RoutePlan{Plan: &Plan{}, Note: "not a webhook route of the planner's configuration"}
	}
	ch = change.SelectStreams(ch, r.Streams)
	set := r.set(ch)
	c := &changePlan{RoutePlan: RoutePlan{Plan: &Plan{Wait: r.Wait}, Notes: slices.Clone(ch.Notes)}, pl: pl, r: r}
	if r.PlayURLs() {
		ch.Items = c.byMedia(ch.Items)
	}
	urlType := config.TypeFile
	if ch.ObjectType != "" {
		urlType = ch.ObjectType
	}
	for _, u := range ch.URLs {
		c.add(urlType, NormalizeURL(u))
	}
	c.addAssets(ch.Assets)
	filled := c.fill("urls", set.templates, ch.Items, r.RefreshType(), urlType)
	c.Content = c.paths(0)
	if c.Size() == 0 && len(c.Outside) == 0 && len(c.TooLong) == 0 && len(c.refused) == 0 {
		c.Note = r.emptyNote(ch, set, filled)
	}
	for _, u := range ch.Previous {
		c.add(config.TypeFile, NormalizeURL(u))
	}
	if ch.Ignored == "" && (!ch.Upload || r.MediaRelated) {
		before := len(c.Plan.Files)
		c.fill("related", set.related, append(slices.Clip(ch.Items), ch.Related...), config.TypeFile, "")
		c.Related = slices.Clone(c.Plan.Files[before:])
	}
	if len(c.refused) > 0 {
		c.Note = strings.Join(c.refused, "; ")
	}
	return c.RoutePlan
}

// paths returns the plan's paths from the n-th file on, and its
// directories.
func (c *changePlan) paths(n int) []string {
	return slices.Concat(c.Plan.Files[n:], c.Plan.Directories)
}

// add puts path into the plan after the allowlist check, or into Outside.
// The check is made on the path as the CDN reads it: one with a '.' or
// '..' segment, once decoded, is refused.
func (c *changePlan) add(objectType, path string) {
	if why := c.pl.tooLong(path); why != "" {
		c.TooLong = append(c.TooLong, fmt.Sprintf("%q: %s", ShortPath(path), why))
		return
	}
	if dotSegment(urlPathOf(path)) {
		c.Outside = append(c.Outside, fmt.Sprintf("%q has a '.' or '..' segment once decoded, which the CDN may resolve away", path))
		return
	}
	if err := c.pl.allow.Check(path); err != nil {
		c.Outside = append(c.Outside, err.Error())
		return
	}
	if objectType == config.TypeDirectory && IsRoot(path) && !c.pl.cfg.AllowRootDirectory {
		how := ""
		if urlPathOf(path) != "/" {
			how = " (read as a CDN may read it, with repeated or encoded slashes, ';' parameters and the query set aside, its path is \"/\")"
		}
		c.Outside = append(c.Outside, fmt.Sprintf("%q would refresh the whole domain%s; set allowRootDirectory to allow it", path, how))
		return
	}
	c.Plan.add(objectType, path)
}

// addAssets adds the asset URLs on an allowlisted domain and notes the
// others: a CMS's own storage or CDN is not ours to refresh, and refusing
// the delivery would only make the sender retry it.
func (c *changePlan) addAssets(assets []string) {
	for _, u := range assets {
		path := NormalizeURL(u)
		if c.pl.tooLong(path) != "" {
			c.add(config.TypeFile, path) // refused with the reason
			continue
		}
		if dotSegment(urlPathOf(path)) || c.pl.allow.Check(path) != nil {
			c.Notes = append(c.Notes, fmt.Sprintf("asset %q is not on an allowlisted domain: the CMS serves it, not ours to refresh (a {path} template maps it onto a domain of ours)", path))
			continue
		}
		c.Plan.add(config.TypeFile, path)
	}
}

// fill expands templates with each item, as objectType. With fallbackType
// set, an item that fills none of them has its Fallback URL refreshed, as
// fallbackType, instead. A template that no item fills is noted with the
// fields the payload lacked; one with no placeholder is added once, items
// or not. It returns how many paths it made.
func (c *changePlan) fill(list string, templates []*Template, items []change.Fields, objectType, fallbackType string) int {
	made := 0
	used := make([]bool, len(templates))
	for _, it := range items {
		n := 0
		for i, t := range templates {
			if note := dotField(t, it); note != "" {
				used[i] = true // noted here, not again below
				c.refused = append(c.refused, note)
				continue
			}
			if path, ok := t.Expand(c.r.values(it)); ok {
				used[i] = true
				n++
				if it.Directory {
					c.add(config.TypeDirectory, path)
				} else {
					c.add(objectType, path)
				}
			}
		}
		if n == 0 && fallbackType != "" && it.Fallback != "" {
			n++
			c.add(fallbackType, NormalizeURL(it.Fallback))
		}
		made += n
	}
	for i, t := range templates {
		switch {
		case used[i]:
		case len(t.Names()) == 0:
			made++
			path, _ := t.Expand(nil) // no placeholder: nothing to fill
			c.add(objectType, path)
		case len(items) > 0:
			c.Notes = append(c.Notes, fmt.Sprintf("%s[%d] %q not filled: the payload has no %s", list, i, t, c.r.lacking(t, items[0])))
		}
	}
	return made
}

// values returns the encoded values of item's fields, by the one encoding
// rule OSS keys follow; a field the item lacks takes the route's default.
// An empty field cannot fill a template; {path} must be absolute.
func (r *routeTemplates) values(item change.Fields) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, _ := item.Value(name)
		if v == "" {
			v = r.Defaults[name]
		}
		if v == "" || (name == "path" && !strings.HasPrefix(v, "/")) {
			return "", false
		}
		return EscapePath(v), true
	}
}

// dotField returns a note when a field that template t uses has a '.' or
// '..' segment, or decodes to one: the template is not filled from it, as
// an OSS key with one is skipped.
func dotField(t *Template, f change.Fields) string {
	for _, name := range t.Names() {
		if v, _ := f.Value(name); v != "" && dotSegment(v) {
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
	root, end, ok := folderSpan(u)
	if !ok || root < 0 {
		return ""
	}
	return u[root:end]
}

// lacking names the placeholders of t that item cannot fill.
func (r *routeTemplates) lacking(t *Template, item change.Fields) string {
	var out []string
	for _, n := range t.Names() {
		if _, ok := r.values(item)(n); !ok {
			out = append(out, "{"+n+"}")
		}
	}
	return strings.Join(out, ", ")
}

// emptyNote says why a change planned nothing.
func (r *routeTemplates) emptyNote(ch change.Change, set templateSet, filled int) string {
	switch {
	case len(ch.Assets) > 0:
		return "its files are not on an allowlisted domain: nothing of ours to refresh"
	case len(ch.Items) == 0:
		return "the payload names nothing to refresh"
	case len(set.templates) == 0:
		return "the payload carries no URL and the route has no URL templates"
	case filled == 0:
		return fmt.Sprintf("no URL template could be filled from the payload (it has %s)", strings.Join(itemFields(ch.Items), ", "))
	}
	return ""
}

// itemFields lists the template fields that the items fill.
func itemFields(items []change.Fields) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		for _, name := range webhookPlaceholders {
			if v, ok := it.Value(name); ok && v != "" && !seen[name] {
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
