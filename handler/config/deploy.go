package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// What a deployment needs beyond a valid configuration: an OSS trigger that
// delivers every key the rules cover, and real CDN domains.

// Environment variables that name the OSS trigger's bucket and key filter,
// set by s.yaml from the values it gives the trigger itself.
const (
	EnvTriggerBucket = "OSS_TRIGGER_BUCKET"
	EnvTriggerPrefix = "OSS_TRIGGER_PREFIX"
	EnvTriggerSuffix = "OSS_TRIGGER_SUFFIX"
)

// TriggerFilter is an OSS trigger's bucket and key filter. FC takes one
// prefix and one suffix per trigger; empty means any.
type TriggerFilter struct {
	Bucket, Prefix, Suffix string
}

// TriggerFromEnv reads the OSS trigger's filter from the environment; ok
// is false when no bucket is named (the function runs without s.yaml).
func TriggerFromEnv(getenv func(string) string) (f TriggerFilter, ok bool) {
	f = TriggerFilter{Bucket: getenv(EnvTriggerBucket), Prefix: getenv(EnvTriggerPrefix), Suffix: getenv(EnvTriggerSuffix)}
	return f, f.Bucket != ""
}

func (f TriggerFilter) String() string {
	return fmt.Sprintf("bucket %s, prefix %q, suffix %q", f.Bucket, f.Prefix, f.Suffix)
}

// Uncovered lists the OSS rules whose objects the trigger f never
// delivers: rules on another bucket, and rules whose key prefix or suffix
// reaches outside f's. Each names the rule and what to change.
func (c *Config) Uncovered(f TriggerFilter) []string {
	var out []string
	wide := c.CoveringFilter(f.Bucket)
	for i, r := range c.OSS {
		switch {
		case r.Bucket != f.Bucket:
			out = append(out, fmt.Sprintf("oss[%d] is for bucket %s, but the OSS trigger watches %s: its objects never reach the function", i, r.Bucket, f.Bucket))
		case !strings.HasPrefix(r.Prefix, f.Prefix) || !strings.HasSuffix(r.Suffix, f.Suffix):
			out = append(out, fmt.Sprintf("oss[%d] (prefix %q, suffix %q) covers keys that the OSS trigger's filter (prefix %q, suffix %q) leaves out; "+
				"a filter of prefix %q and suffix %q lets every rule's keys through", i, r.Prefix, r.Suffix, f.Prefix, f.Suffix, wide.Prefix, wide.Suffix))
		}
	}
	return out
}

// CoveringFilter returns the narrowest trigger filter that delivers every
// key of the rules on bucket: the longest prefix that all their prefixes
// start with, and the longest suffix that all their suffixes end with.
func (c *Config) CoveringFilter(bucket string) TriggerFilter {
	f, first := TriggerFilter{Bucket: bucket}, true
	for _, r := range c.OSS {
		if r.Bucket != bucket {
			continue
		}
		if first {
			f.Prefix, f.Suffix, first = r.Prefix, r.Suffix, false
			continue
		}
		f.Prefix = commonPrefix(f.Prefix, r.Prefix)
		f.Suffix = commonSuffix(f.Suffix, r.Suffix)
	}
	return f
}

// commonPrefix returns the longest prefix of a and b that ends on a whole
// UTF-8 character.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && !utf8.ValidString(a[:n]) {
		n--
	}
	return a[:n]
}

// commonSuffix returns the longest suffix of a and b that starts on a
// whole UTF-8 character.
func commonSuffix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && !utf8.ValidString(a[len(a)-n:]) {
		n--
	}
	return a[len(a)-n:]
}

// Reserved is an allowlisted domain whose name is reserved (RFC 2606, RFC
// 6761), and why no VOD account serves it.
type Reserved struct {
	Domain string // as the configuration lists it
	Reason string // what the name is reserved for
}

// documentation is why an example domain is not ready to deploy.
const documentation = "reserved for documentation (RFC 2606): this is a sample configuration; list your own VOD CDN domains"

// reservedNames are the reserved names, each with why a VOD CDN cannot
// serve it: example.com, example.net, example.org and .example are for
// documentation, .test for testing, .invalid never resolves, and
// localhost is the local machine.
var reservedNames = []struct{ name, reason string }{
	{"example.com", documentation},
	{"example.net", documentation},
	{"example.org", documentation},
	{"example", documentation},
	{"test", "reserved for testing (RFC 2606, RFC 6761): no public DNS resolves it, so no CDN serves it; list your own VOD CDN domains"},
	{"invalid", "reserved as a name that never resolves (RFC 2606, RFC 6761): no CDN serves it; list your own VOD CDN domains"},
	{"localhost", "the local machine (RFC 6761), not a CDN; list your own VOD CDN domains"},
}

// ReservedDomains lists the allowlisted domains under a reserved name
// (reservedNames), each with its reason. No VOD account serves them, so a
// configuration that names one is not ready to deploy.
func (c *Config) ReservedDomains() []Reserved {
	var out []Reserved
	for _, d := range c.Domains {
		u, err := url.Parse(d)
		if err != nil {
			continue
		}
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		for _, r := range reservedNames {
			if host == r.name || strings.HasSuffix(host, "."+r.name) {
				out = append(out, Reserved{Domain: d, Reason: r.reason})
				break
			}
		}
	}
	return out
}
