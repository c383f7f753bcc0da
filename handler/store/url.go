package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// storeURL is what the store URL says, less its secrets: where names the
// server for messages, and password is kept only to redact it.
type storeURL struct {
	where    string
	password string
}

// parseStoreURL checks a store URL, redis://[user:password@]host:port/db or
// rediss://, before the client reads it. Its errors show the URL's problem
// without its user or password: the userinfo is cut out before the rest
// is parsed.
func parseStoreURL(raw string) (storeURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return storeURL{}, errors.New("store: the store URL must begin with redis:// or rediss://")
	}
	switch strings.ToLower(scheme) {
	case "redis", "rediss":
	default:
		if len(scheme) > 16 || strings.ContainsAny(scheme, "@:/") {
			return storeURL{}, errors.New("store: the store URL must begin with redis:// or rediss://")
		}
		return storeURL{}, fmt.Errorf("store: the store URL's scheme is %q; it must be redis or rediss", scheme)
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	var su storeURL
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo := authority[:at]
		if _, pw, ok := strings.Cut(userinfo, ":"); ok {
			p, err := url.PathUnescape(pw)
			if err != nil {
				return storeURL{}, errors.New("store: the store URL's password has a bad %-escape")
			}
			su.password = p
		}
		rest = "xxxxx@" + rest[at+1:]
	}
	u, err := url.Parse(scheme + "://" + rest)
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
	db := strings.Trim(u.Path, "/")
	if db == "" {
		db = "0"
	}
	su.where = fmt.Sprintf("redis %s db %s", net.JoinHostPort(host, port), db)
	return su, nil
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
