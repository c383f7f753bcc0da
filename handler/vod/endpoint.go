package vod

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultEndpoint is the only VOD endpoint that offers the CDN refresh API.
const DefaultEndpoint = "https://vod.cn-shanghai.aliyuncs.com"

// Region is the region of the VOD CDN refresh API.
const Region = "cn-shanghai"

// EnvEndpoint overrides the VOD endpoint, for local emulators and tests.
const EnvEndpoint = "VOD_ENDPOINT"

// Endpoint is where VOD API calls go.
type Endpoint struct {
	Scheme string // "HTTPS" or "HTTP", as the SDK spells it
	Host   string // host[:port]
}

// String returns the endpoint as a URL.
func (e Endpoint) String() string { return strings.ToLower(e.Scheme) + "://" + e.Host }

// ParseEndpoint reads a VOD_ENDPOINT value. An empty value means the default.
// Its scheme wins; plain http is accepted only for a loopback address,
// because the security token travels in the query string.
func ParseEndpoint(s string) (Endpoint, error) {
	if s == "" {
		s = DefaultEndpoint
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return Endpoint{}, fmt.Errorf("%s: want scheme://host[:port]", EnvEndpoint) // the value may hold a password
	}
	if u.User != nil {
		return Endpoint{}, fmt.Errorf("%s %q: want scheme://host[:port], without user or password", EnvEndpoint, u.Redacted())
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return Endpoint{}, fmt.Errorf("%s %q: want scheme://host[:port] with nothing after the host", EnvEndpoint, s)
	}
	switch u.Scheme {
	case "https":
		return Endpoint{Scheme: "HTTPS", Host: u.Host}, nil
	case "http":
		if !isLoopback(u.Hostname()) {
			return Endpoint{}, fmt.Errorf("%s %q: plain http is allowed only to a loopback address; use https", EnvEndpoint, s)
		}
		return Endpoint{Scheme: "HTTP", Host: u.Host}, nil
	}
	return Endpoint{}, fmt.Errorf("%s %q: scheme must be https (or http to loopback)", EnvEndpoint, s)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
