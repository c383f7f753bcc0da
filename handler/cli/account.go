package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/vod"
)

// accountTimeout bounds check --account's reading of the account's
// domains: one call for up to 50 domains, each call bounded by
// vod.DefaultRequestTimeout.
const accountTimeout = 30 * time.Second

// consolePath is where the VOD console adds a domain.
const consolePath = "Configuration Management > CDN Configuration > Domain Names"

// errAccountCredentials is what check --account says without credentials.
var errAccountCredentials = fmt.Errorf("--account needs credentials to read the account's VOD domains (DescribeVodUserDomains): set %s and %s (and %s for STS) "+
	"of a RAM user or role allowed vod:DescribeVodUserDomains; without --account, check sends nothing",
	vod.EnvAccessKeyID, vod.EnvAccessKeySecret, vod.EnvSecurityToken)

// hostEntry is one host the configuration refreshes, and the entries of
// domains that name it.
type hostEntry struct {
	host    string
	entries []string // "domains[i]"
}

// configuredHosts lists the hosts of the configuration's domains, once
// each, in their order, leaving out reserved names (check already names
// those). Every template lands on one of these domains (refresh.Compile
// checks it), so they are every host a refresh names.
func configuredHosts(cfg *config.Config) []hostEntry {
	reserved := map[string]bool{}
	for _, r := range cfg.ReservedDomains() {
		reserved[r.Domain] = true
	}
	var out []hostEntry
	for i, d := range cfg.Domains {
		u, err := url.Parse(d)
		if err != nil || reserved[d] {
			continue
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		entry := fmt.Sprintf("domains[%d]", i)
		if j := slices.IndexFunc(out, func(h hostEntry) bool { return h.host == host }); j >= 0 {
			out[j].entries = append(out[j].entries, entry)
			continue
		}
		out = append(out, hostEntry{host: host, entries: []string{entry}})
	}
	return out
}

// accountProblems reads the account's VOD domains and says which
// configured hosts are not among them (problems: every refresh of them
// fails with IllegalOperation) and which are but are not online
// (warnings). note is what check prints when the configuration is ready.
// A failed read is a problem with its remedy.
func accountProblems(ctx context.Context, cfg *config.Config, env Env) (problems, warnings []string, note string) {
	ctx, cancel := context.WithTimeout(ctx, accountTimeout)
	defer cancel()
	domains, err := readDomains(ctx, env)
	if err != nil {
		msg := "the account's VOD domains could not be read: " + err.Error()
		if r := accountRemedy(err); r != "" {
			msg += "; " + r
		}
		return []string{msg}, nil, ""
	}
	hosts, online := configuredHosts(cfg), 0
	for _, h := range hosts {
		where := strings.Join(h.entries, ", ")
		d, found := vodDomain(h.host, domains)
		switch {
		case !found:
			why := "every refresh of it would fail with IllegalOperation"
			if w, ok := deeperThan(h.host, domains); ok {
				why = "the wildcard VOD domain " + w.Name + " serves only the hosts one level below it, and the CDN refuses requests for deeper ones with 403"
			}
			problems = append(problems, fmt.Sprintf("%s: %s is not a VOD domain of this account: %s; "+
				"add it in the VOD console (%s) or remove it", where, h.host, why, consolePath))
		case d.Status != vod.DomainOnline:
			of := "a VOD domain of this account"
			if d.Name != h.host {
				of = "under the wildcard VOD domain " + d.Name + " of this account"
			}
			warnings = append(warnings, fmt.Sprintf("%s: %s is %s, but %s", where, h.host, of, notOnline(d.Status)))
		default:
			online++
		}
	}
	note = fmt.Sprintf("vodrefresh check: account: configured hosts that are online VOD domains of this account: %d of %d (it has %s)",
		online, len(hosts), count(len(domains), "VOD domain", "VOD domains"))
	return problems, warnings, note
}

// readDomains reads the account's VOD domains with the environment's
// credentials and VOD_ENDPOINT.
func readDomains(ctx context.Context, env Env) ([]vod.Domain, error) {
	c, err := connect(env)
	if err != nil {
		return nil, err
	}
	l, ok := c.(vod.DomainLister)
	if !ok {
		return nil, errors.New("this VOD client cannot list domains")
	}
	return l.Domains(ctx)
}

// vodDomain finds the account's domain that serves host: the domain of
// that name, else a wildcard domain (*.example.com or .example.com) whose
// level host is on: one label more than the wildcard's base, as in
// a.example.com. The CDN serves no deeper host of a wildcard domain.
func vodDomain(host string, domains []vod.Domain) (vod.Domain, bool) {
	for _, d := range domains {
		if d.Name == host {
			return d, true
		}
	}
	for _, d := range domains {
		if label, ok := belowWildcard(host, d.Name); ok && !strings.Contains(label, ".") {
			return d, true
		}
	}
	return vod.Domain{}, false
}

// deeperThan finds a wildcard domain that host lies more than one level
// below: a domain that seems to cover host and does not.
func deeperThan(host string, domains []vod.Domain) (vod.Domain, bool) {
	for _, d := range domains {
		if label, ok := belowWildcard(host, d.Name); ok && strings.Contains(label, ".") {
			return d, true
		}
	}
	return vod.Domain{}, false
}

// belowWildcard reports whether name is a wildcard domain (*.example.com
// or .example.com) with host below its base, and returns what host adds
// to the base ("a" for a.example.com, "b.a" for b.a.example.com).
func belowWildcard(host, name string) (string, bool) {
	base, wild := strings.CutPrefix(name, "*")
	if !wild {
		base, wild = name, strings.HasPrefix(name, ".")
	}
	label, below := strings.CutSuffix(host, base)
	return label, wild && below && label != ""
}

// notOnline says what a domain's status means for its refreshes.
func notOnline(status string) string {
	switch status {
	case vod.DomainOffline:
		return "it is offline (disabled): every refresh of it fails with InvalidDomain.Offline until it is enabled in the VOD console"
	case vod.DomainConfiguring, vod.DomainChecking:
		return fmt.Sprintf("it is %s: refreshes of it may fail (ServiceBusy) until it is online", status)
	case vod.DomainConfigureFailed, vod.DomainCheckFailed:
		return fmt.Sprintf("its status is %s: refreshes of it fail until it is fixed in the VOD console and online", status)
	}
	return fmt.Sprintf("its status is %s, not online: refreshes of it may fail", status)
}

// accountRemedy says what to do about a failed read of the domains, for
// the operator who runs check with their own credentials.
func accountRemedy(err error) string {
	if errors.Is(err, vod.ErrNoCredentials) {
		return ""
	}
	ae, ok := vod.AsAPIError(err)
	if !ok {
		return ""
	}
	switch ae.Code {
	case "Forbidden.RAM", "Forbidden", "NoPermission", "Forbidden.NoPermission":
		return "the credentials lack vod:DescribeVodUserDomains: grant it to the RAM user or role whose keys check uses (the function's role does not need it)"
	case "InvalidSecurityToken.Expired", "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey":
		return "the STS token was refused: put a fresh one in " + vod.EnvSecurityToken + ", with its key pair"
	case vod.CodeTransport, vod.CodeTimeout:
		return "VOD could not be reached: check the network (and " + vod.EnvEndpoint + ", if set), then run check again"
	case vod.CodeBadResponse, vod.CodeMalformedAnswer:
		return "VOD's answer was not understood: run check again; if it persists, list the domains in the VOD console (" + consolePath + ")"
	}
	return remedy(err) // what quota and tasks say too
}
