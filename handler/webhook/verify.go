// Package webhook verifies CMS publish webhooks and reads their payloads.
// Each sender has a verifier, which checks the raw body in constant time
// before anything parses it, and a parser, which says what changed. Kinds
// of sender and authentication schemes are each declared once, in one
// table (registry.go): the parsers, the verifiers, the template fields and
// the configuration's checks all read them from there. It also makes the
// request that verification reads from plain values (NewRequest), whatever
// carried it, and remembers delivery IDs for de-duplication.
//
// It imports config, and nothing else of vodrefresh: what a change means
// in URLs is for refresh to decide. config imports nothing of vodrefresh,
// so webhook registers its names with config's validator (see
// config.RegisterNames) rather than config importing them.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request is what verification and parsing read from one HTTP request.
type Request struct {
	Method   string // "POST"
	Path     string // the request path as received, e.g. "/hooks/blog"
	RawQuery string // the query as sent, without "?", when known; may be empty
	// Query is the query as a map, as FC's HTTP trigger passes it: it has
	// lost the order and the escaping of the query the sender signed.
	Query  map[string]string
	Header http.Header // canonical keys
	Body   []byte      // the raw body, exactly as sent

	conflicts map[string]bool // canonical names sent as case variants with different values
}

// signed returns the value of a header that verification reads. It is an
// error when the request carried case variants of its name with different
// values: which of them a verifier saw must not depend on chance.
func (r *Request) signed(name string) (string, error) {
	ck := http.CanonicalHeaderKey(name)
	if r.conflicts[ck] {
		return "", unauthorized("conflicting values for the %s header", ck)
	}
	return r.Header.Get(ck), nil
}

// ErrUnauthorized is wrapped by every verification failure. The messages
// say what failed, never a secret or an expected signature.
var ErrUnauthorized = errors.New("unauthorized")

// Verifier checks a request's authenticity.
type Verifier interface {
	Verify(r *Request, now time.Time) error
}

func unauthorized(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnauthorized, fmt.Sprintf(format, args...))
}

// macSHA256 returns HMAC-SHA256(key, parts...).
func macSHA256(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// anyMAC reports whether sig equals HMAC-SHA256 under any of keys. Every key
// is tried, so the time taken does not depend on which one matches.
func anyMAC(keys [][]byte, sig []byte, parts ...[]byte) bool {
	ok := false
	for _, k := range keys {
		if hmac.Equal(macSHA256(k, parts...), sig) {
			ok = true
		}
	}
	return ok
}

func byteKeys(secrets []string) [][]byte {
	out := make([][]byte, len(secrets))
	for i, s := range secrets {
		out[i] = []byte(s)
	}
	return out
}

// checkWindow rejects a timestamp more than window away from now.
func checkWindow(ts time.Time, now time.Time, window time.Duration) error {
	if d := now.Sub(ts); d > window || d < -window {
		return unauthorized("timestamp %s is outside the %s replay window", ts.UTC().Format(time.RFC3339), window)
	}
	return nil
}

// parseMillis reads a Unix time in milliseconds.
func parseMillis(s string) (time.Time, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, unauthorized("timestamp %q is not a Unix time in milliseconds", clip(s))
	}
	return time.UnixMilli(ms), nil
}

// clip shortens header values quoted in errors.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// stamped is what the timestamped HMAC schemes share: the keys, and the
// window a signed timestamp in milliseconds must fall in.
type stamped struct {
	keys   [][]byte
	window time.Duration
}

func newStamped(secrets []string, window time.Duration) stamped {
	return stamped{keys: byteKeys(secrets), window: window}
}

// check verifies that one of sigs is the HMAC of parts under one of the
// keys, and that ts (Unix ms) is within the window of now.
func (s stamped) check(ts string, now time.Time, sigs [][]byte, parts ...[]byte) error {
	at, err := parseMillis(ts)
	if err != nil {
		return err
	}
	ok := false
	for _, sig := range sigs {
		if anyMAC(s.keys, sig, parts...) {
			ok = true
		}
	}
	if !ok {
		return unauthorized("signature does not match")
	}
	return checkWindow(at, now, s.window)
}

// headerParams splits a signature header of the form "k=v, k=v" into its
// parameters; a key may repeat. A missing header is an error.
func headerParams(r *Request, name string) (map[string][]string, error) {
	h, err := r.signed(name)
	if err != nil {
		return nil, err
	}
	if h == "" {
		return nil, unauthorized("missing %s header", name)
	}
	out := map[string][]string{}
	for _, part := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		out[k] = append(out[k], v)
	}
	return out, nil
}

// requireHeaders returns the trimmed values of the named headers, or an
// error naming the first one that is missing.
func requireHeaders(r *Request, names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		v, err := r.signed(n)
		if err != nil {
			return nil, err
		}
		if out[i] = strings.TrimSpace(v); out[i] == "" {
			return nil, unauthorized("missing %s header", n)
		}
	}
	return out, nil
}

// paramVerifier checks a paramScheme.
type paramVerifier struct {
	stamped
	paramScheme
}

// paramScheme is a timestamped scheme whose signature header is a list of
// k=v parameters: t=<ms> and one or more signatures under sigKey.
type paramScheme struct {
	header   string
	sigKey   string
	encoding string                                // how signatures are written, for messages
	decode   func(string) ([]byte, error)          // reads one signature
	message  func(ts string, body []byte) [][]byte // what is signed
}

func (v *paramVerifier) Verify(r *Request, now time.Time) error {
	ps, err := headerParams(r, v.header)
	if err != nil {
		return err
	}
	var sigs [][]byte
	for _, val := range ps[v.sigKey] {
		sig, err := v.decode(val)
		if err != nil {
			return unauthorized("%s's %s is not %s", v.header, v.sigKey, v.encoding)
		}
		sigs = append(sigs, sig)
	}
	if len(ps["t"]) == 0 || len(sigs) == 0 {
		return unauthorized("%s lacks %s= or t=", v.header, v.sigKey)
	}
	ts := ps["t"][0]
	return v.check(ts, now, sigs, v.message(ts, r.Body)...)
}
