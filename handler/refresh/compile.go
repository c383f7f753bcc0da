// Package refresh plans refreshes, with no I/O: the one URL encoder, URL
// templates, the domain allowlist, the compiled OSS rules and webhook route
// templates, the plan (deduplicated files and directories), fitting a plan
// to the remaining quota by coalescing, batching, and the checks that stop a
// malformed call before it is sent. The OSS and webhook paths share all of
// it.
//
// A webhook route's compiled templates are kept by the route's
// *config.WebhookRoute, which PlanChange takes, so that the caller's
// lookup by path is the only one.
//
// It imports config (the rules as data), event (the records it plans for)
// and change (the changes senders report), and nothing else of vodrefresh.
// It declares no interface: what it needs of the deployment (Seen, Room)
// it is handed as data.
package refresh

import (
	"fmt"
	"sort"
	"strings"

	"vodrefresh/handler/config"
)

// Planner is a configuration compiled for planning: the allowlist, the OSS
// rules and the webhook routes' templates. It is read-only once made, so
// concurrent invocations share it.
type Planner struct {
	cfg    *config.Config
	allow  *Allowlist
	rules  []*rule
	routes map[*config.WebhookRoute]*routeTemplates // by the route's configuration, one of cfg.Webhooks
}

// Compile checks what no struct tag can (that every template is well formed
// and lands on an allowlisted domain) and compiles the rules. Its error is a
// *config.Error that names each field.
func Compile(cfg *config.Config) (*Planner, error) {
	allow, err := NewAllowlist(cfg.Domains)
	if err != nil {
		return nil, &config.Error{Problems: []string{err.Error()}}
	}
	p := &Planner{cfg: cfg, allow: allow, routes: make(map[*config.WebhookRoute]*routeTemplates, len(cfg.Webhooks))}
	var problems []string
	for i := range cfg.OSS {
		r, errs := compileRule(fmt.Sprintf("oss[%d]", i), &cfg.OSS[i], allow)
		problems = append(problems, errs...)
		p.rules = append(p.rules, r)
	}
	for i := range cfg.Webhooks {
		r, errs := compileRoute(fmt.Sprintf("webhooks[%d]", i), &cfg.Webhooks[i], allow)
		problems = append(problems, errs...)
		p.routes[&cfg.Webhooks[i]] = r
	}
	if len(problems) > 0 {
		return nil, &config.Error{Problems: problems}
	}
	return p, nil
}

// Config returns the configuration the planner was compiled from.
func (p *Planner) Config() *config.Config { return p.cfg }

// Allowlist returns the domains that refresh paths may point at.
func (p *Planner) Allowlist() *Allowlist { return p.allow }

// compileTemplates parses each template of a rule or route, checks it against
// the allowlist, and reports each problem under field[j].
func compileTemplates(field string, urls []string, names []string, allow *Allowlist, check func(*Template) string) ([]*Template, []string) {
	var out []*Template
	var problems []string
	for j, s := range urls {
		name := fmt.Sprintf("%s[%d]", field, j)
		t, err := ParseTemplate(s, names...)
		if err != nil {
			problems = append(problems, name+": "+err.Error())
			continue
		}
		if check != nil {
			if msg := check(t); msg != "" {
				problems = append(problems, fmt.Sprintf("%s: %s, got %q", name, msg, s))
				continue
			}
		}
		sample, _ := t.Expand(func(name string) (string, bool) {
			if name == "path" {
				return "/sample", true // a {path} value starts with '/'
			}
			return "sample", true
		})
		if allow.Check(sample) != nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not on an allowlisted domain (domains: %s)", name, s, strings.Join(allow.Bases(), ", ")))
			continue
		}
		out = append(out, t)
	}
	return out, problems
}

// Bases lists the allowlisted bases, sorted.
func (a *Allowlist) Bases() []string {
	out := make([]string, 0, len(a.bases))
	for b := range a.bases {
		out = append(out, b)
	}
	sort.Strings(out)
	return out
}
