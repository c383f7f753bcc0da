package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// storeURL is what the store URL says, less its secrets: where names the
// server for messages, password is kept only to redact it, cluster says
// the URL asks for a Redis Cluster in direct-connection mode, and
// goRedisURL is the URL as the client's parser reads it (redis:// or
// rediss://, whatever the store URL's scheme).
type storeURL struct {
	where      string
	password   string
	cluster    bool
	tls        bool
	goRedisURL string
}

// The URL query options the store takes, and the limits of their values.
// Others that the client knows are refused: the store's design depends on
// the settings they would change (refusedOptions).
const (
	maxPoolSize = 64
	maxDuration = 30 * time.Second
	maxLifetime = 24 * time.Hour
)

// refusedOptions are options of the client that the store refuses, and
// why: each would undo a setting the store depends on.
var refusedOptions = map[string]string{
	"max_retries":                "the store never retries a command that may have run (a timed-out script may have counted quota)",
	"min_retry_backoff":          "the store never retries a command that may have run",
	"max_retry_backoff":          "the store never retries a command that may have run",
	"dialer_retries":             "the store dials once within its own timeout",
	"dialer_retry_timeout":       "the store dials once within its own timeout",
	"context_timeout_enabled":    "the store bounds every operation by its own timeout",
	"max_redirects":              "the store follows a cluster's MOVED redirects itself, once, and re-runs nothing that timed out",
	"read_only":                  "the store reads from the masters, which have every write",
	"route_by_latency":           "the store reads from the masters, which have every write",
	"route_by_latency_tolerance": "the store reads from the masters, which have every write",
	"route_randomly":             "the store reads from the masters, which have every write",
	"pipeline_pool_size":         "the store's pipelines share its one small pool",
	"pipeline_read_buffer_size":  "the store's pipelines share its one small pool",
	"pipeline_write_buffer_size": "the store's pipelines share its one small pool",
	"db":                         "name the database in the URL's path: redis://host:port/N",
}

// storeOptions are the query options the store takes, and how it checks
// each value.
var storeOptions = map[string]func(v string) string{
	"dial_timeout":       durationIn(time.Millisecond, maxDuration),
	"read_timeout":       durationIn(time.Millisecond, maxDuration),
	"write_timeout":      durationIn(time.Millisecond, maxDuration),
	"pool_timeout":       durationIn(time.Millisecond, maxDuration),
	"conn_max_idle_time": durationIn(time.Second, maxLifetime),
	"conn_max_lifetime":  durationIn(time.Second, maxLifetime),
	"pool_size":          intIn(1, maxPoolSize),
	"min_idle_conns":     intIn(0, maxPoolSize),
	"max_idle_conns":     intIn(0, maxPoolSize),
	"protocol":           intIn(2, 3),
	"client_name":        clientName,
	"skip_verify":        boolean,
	"addr":               hostPort,
}

// takenOptions lists the options the store takes, for messages.
func takenOptions() string {
	var names []string
	for n := range storeOptions {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func durationIn(lo, hi time.Duration) func(string) string {
	want := fmt.Sprintf("a duration from %v to %v (such as 500ms or 2s)", lo, hi)
	return func(v string) string {
		var d time.Duration
		if n, err := strconv.Atoi(v); err == nil { // whole seconds, as the client reads it
			if n < 0 || n > int(hi/time.Second) {
				return want
			}
			d = time.Duration(n) * time.Second
		} else if d, err = time.ParseDuration(v); err != nil {
			return want
		}
		if d < lo || d > hi {
			return want
		}
		return ""
	}
}

func intIn(lo, hi int) func(string) string {
	want := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	return func(v string) string {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return want
		}
		return ""
	}
}

func clientName(v string) string {
	const want = "a name of at most 64 letters, digits, '.', '_' or '-'"
	if v == "" || len(v) > 64 {
		return want
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return want
		}
	}
	return ""
}

func boolean(v string) string {
	switch v {
	case "true", "false", "1", "0":
		return ""
	}
	return "true or false"
}

func hostPort(v string) string {
	const want = "a host:port of one of the cluster's nodes"
	h, p, err := net.SplitHostPort(v)
	if err != nil || h == "" {
		return want
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return want
	}
	return ""
}

// shown is a value of the URL as a message may show it: quoted, cut short
// and without the password.
func shown(v, password string) string {
	v = redact(v, password)
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return strconv.Quote(v)
}

// parseStoreURL checks a store URL, redis://[user:password@]host:port/db,
// rediss:// for TLS, or redis+cluster:// and rediss+cluster:// for a Redis
// Cluster in direct-connection mode (seed nodes: the host and any addr=
// options), before the client reads it. Its errors show the URL's problem
// without its user or password: the userinfo is cut out before the rest
// is parsed, and values are shown redacted.
func parseStoreURL(raw string) (storeURL, error) {
	const begin = "store: the store URL must begin with redis://, rediss://, redis+cluster:// or rediss+cluster://"
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return storeURL{}, errors.New(begin)
	}
	var su storeURL
	switch strings.ToLower(scheme) {
	case "redis":
	case "rediss":
		su.tls = true
	case "redis+cluster":
		su.cluster = true
	case "rediss+cluster":
		su.cluster, su.tls = true, true
	default:
		if len(scheme) > 16 || strings.ContainsAny(scheme, "@:/") {
			return storeURL{}, errors.New(begin)
		}
		return storeURL{}, fmt.Errorf("store: the store URL's scheme is %q; it must be redis, rediss, redis+cluster or rediss+cluster", scheme)
	}
	goScheme := "redis"
	if su.tls {
		goScheme = "rediss"
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	cut := rest
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo := authority[:at]
		if _, pw, ok := strings.Cut(userinfo, ":"); ok {
			p, err := url.PathUnescape(pw)
			if err != nil {
				return storeURL{}, errors.New("store: the store URL's password has a bad %-escape")
			}
			su.password = p
		}
		cut = "xxxxx@" + rest[at+1:]
	}
	u, err := url.Parse(goScheme + "://" + cut)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return storeURL{}, fmt.Errorf("store: the store URL does not parse: %s", redact(err.Error(), su.password))
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return storeURL{}, errors.New("store: the store URL names no host")
	}
	if port == "" {
		port = "6379"
	}
	if u.Fragment != "" {
		return storeURL{}, errors.New("store: the store URL has a #fragment, which means nothing to it")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return storeURL{}, errors.New("store: the store URL's options (after ?) do not parse")
	}
	if err := checkOptions(q, su); err != nil {
		return storeURL{}, err
	}
	db := strings.Trim(u.Path, "/")
	if su.cluster {
		if db != "" && db != "0" {
			return storeURL{}, fmt.Errorf("store: the store URL names database %s, but a Redis Cluster has database 0 alone", shown(db, su.password))
		}
		addrs := []string{net.JoinHostPort(host, port)}
		for _, a := range q["addr"] {
			if !slices.Contains(addrs, a) {
				addrs = append(addrs, a)
			}
		}
		su.where = "redis cluster " + strings.Join(addrs, ",")
	} else {
		if db == "" {
			db = "0"
		}
		su.where = fmt.Sprintf("redis %s db %s", net.JoinHostPort(host, port), db)
	}
	su.goRedisURL = goScheme + "://" + rest
	return su, nil
}

// checkOptions checks the URL's query options: each is one the store
// takes, given once (addr excepted), with a value in its range.
func checkOptions(q url.Values, su storeURL) error {
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	slices.Sort(names) // the first problem, always the same one
	for _, name := range names {
		vs := q[name]
		if why, ok := refusedOptions[name]; ok {
			return fmt.Errorf("store: the store URL's option %s is not allowed: %s", name, why)
		}
		check, ok := storeOptions[name]
		if !ok {
			return fmt.Errorf("store: the store URL's option %s is not one the store takes (it takes %s)", shown(name, su.password), takenOptions())
		}
		switch {
		case name == "addr" && !su.cluster:
			return errors.New("store: the store URL's option addr names more nodes of a cluster: begin the URL with redis+cluster:// or rediss+cluster://")
		case name == "skip_verify" && !su.tls:
			return errors.New("store: the store URL's option skip_verify applies to TLS alone (rediss:// or rediss+cluster://)")
		case name != "addr" && len(vs) > 1:
			return fmt.Errorf("store: the store URL gives the option %s %d times; give it once", name, len(vs))
		}
		for _, v := range vs {
			if want := check(v); want != "" {
				return fmt.Errorf("store: the store URL's option %s is %s; it must be %s", name, shown(v, su.password), want)
			}
		}
	}
	return nil
}

// redact replaces the password, as given and %-escaped, in msg.
func redact(msg, password string) string {
	if password == "" {
		return msg
	}
	for _, p := range []string{password, url.PathEscape(password), url.QueryEscape(password), url.UserPassword("", password).String()[1:]} {
		if p != "" && p != ":" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}
