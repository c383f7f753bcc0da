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
