package config

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseBase checks one entry of domains and returns it in canonical form:
// scheme://host[:port], lower case.
func ParseBase(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme must be http or https, got %q", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("no host")
	}
	if strings.Contains(u.Host, "*") {
		return "", fmt.Errorf("wildcard domains cannot be refreshed")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("must be scheme://host[:port] with nothing after the host")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// Warnings lists what is valid but probably not meant: each http:// CDN
// base whose host is not listed with https:// too. Refreshing
// http://host/path refreshes that URL alone, so the https:// copy the CDN
// caches stays stale unless the https:// base is listed as well and the
// templates refresh it too. check prints the warnings, and the function
// logs them at start-up.
func (c *Config) Warnings() []string {
	listed := make(map[string]bool, len(c.Domains))
	for _, d := range c.Domains {
		if b, err := ParseBase(d); err == nil {
			listed[b] = true
		}
	}
	var out []string
	for i, d := range c.Domains {
		b, err := ParseBase(d)
		if err != nil || !strings.HasPrefix(b, "http://") {
			continue
		}
		if https := "https://" + strings.TrimPrefix(b, "http://"); !listed[https] {
			out = append(out, fmt.Sprintf("domains[%d]: %s is http://: refreshing its URLs leaves the https:// copies on the CDN stale; "+
				"list %s as well (with templates for it), or use https:// alone", i, d, https))
		}
	}
	return out
}
