// Package webhook verifies CMS publish webhooks and reads their payloads.
// Each sender has a verifier, which checks the raw body in constant time
// before anything parses it, and a parser, which says what changed. Kinds
// of sender and authentication schemes are each declared once, in one
// table (registry.go): the parsers, the verifiers, the template fields and
// the configuration's checks all read them from there. It also makes the
// request that verification reads from plain values (NewRequest), whatever
// carried it, and remembers delivery IDs for de-duplication.
//
// It imports config, change (the neutral form of what a sender asks) and
// plainjson (the words of a decoding error), and nothing else of
// vodrefresh: what a change means in URLs is for
// refresh to decide. The names of kinds and schemes are declared in
// change, which the configuration checks routes against; this package's
// tables follow them (TestTablesFollowChange).
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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

// Verifier checks a request's authenticity and returns what it verified.
type Verifier interface {
	Verify(r *Request, now time.Time) (Proof, error)
}

// Proof is what a verifier established about a request it accepted.
type Proof struct {
	// Key names the delivery for de-duplication, from what the signature
	// covers only: a digest of the MAC that verified and the signed
	// timestamp, or the sender's delivery ID where the signature covers it
	// (Standard Webhooks' webhook-id, Contentful's idempotency key when it
	// is among the signed headers). A replay repeats it however its headers
	// are re-spelled or added to; a new delivery is signed anew. "" for a
	// scheme that signs nothing (a bearer token): identical requests cannot
	// be told from a replay.
	Key string
	// signed are the canonical names of the headers whose values the proof
	// covers, besides the body.
	signed map[string]bool
	// whole: the scheme authenticates the request as a whole (a bearer
	// token), so its headers are as trusted as its body.
	whole bool
}

// Covers reports whether the proof covers the named header's value: a
// header it does not cover may have been added or changed by anyone who
// saw the request, and must not decide what the delivery does.
func (p Proof) Covers(header string) bool {
	return p.whole || p.signed[http.CanonicalHeaderKey(header)]
}

// macProof is the proof of a MAC scheme: keyed by the MAC that verified
// and the signed timestamp ("" where the scheme has none), covering the
// named headers.
func macProof(mac []byte, ts string, headers ...string) Proof {
	h := sha256.New()
	h.Write(mac)
	h.Write([]byte{0})
	h.Write([]byte(ts))
	p := Proof{Key: "mac:" + hex.EncodeToString(h.Sum(nil)), signed: map[string]bool{}}
	for _, n := range headers {
		p.signed[http.CanonicalHeaderKey(n)] = true
	}
	return p
}

func unauthorized(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnauthorized, fmt.Sprintf(format, args...))
}

// maxCandidates bounds the signatures (or versioned entries) one header
// may carry. Each is compared with MACs computed once per request, so more
// would cost little, but no sender sends more than a few (a rotation sends
// two): a longer list is refused as malformed.
const maxCandidates = 8

// tooMany refuses a header that carries more than maxCandidates
// signatures.
func tooMany(header string, n int) error {
	return unauthorized("%s carries %d signatures; at most %d are accepted", header, n, maxCandidates)
}

// macSHA256 returns HMAC-SHA256(key, parts...).
func macSHA256(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// matchMAC computes HMAC-SHA256 of parts once under each key and returns
// the one that equals one of sigs, or nil. Every pair is compared, in
// constant time, so the time taken does not depend on which one matches;
// the body is hashed once per key, however many candidates there are.
func matchMAC(keys [][]byte, sigs [][]byte, parts ...[]byte) []byte {
	var found []byte
	for _, k := range keys {
		mac := macSHA256(k, parts...)
		for _, sig := range sigs {
			if hmac.Equal(mac, sig) {
				found = mac
			}
		}
	}
	return found
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
// keys, and that ts (Unix ms) is within the window of now; the proof
// covers the named headers.
func (s stamped) check(ts string, now time.Time, sigs [][]byte, headers []string, parts ...[]byte) (Proof, error) {
	at, err := parseMillis(ts)
	if err != nil {
		return Proof{}, err
	}
	mac := matchMAC(s.keys, sigs, parts...)
	if mac == nil {
		return Proof{}, unauthorized("signature does not match")
	}
	if err := checkWindow(at, now, s.window); err != nil {
		return Proof{}, err
	}
	return macProof(mac, ts, headers...), nil
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
	// single: the sender writes one signature; several are two headers'
	// values joined, and refused as conflicting.
	single bool
}

// Verify checks the header's signatures against the MAC of the signed
// message, computed once per key; the proof is keyed by that MAC and t.
func (v *paramVerifier) Verify(r *Request, now time.Time) (Proof, error) {
	ps, err := headerParams(r, v.header)
	if err != nil {
		return Proof{}, err
	}
	// One timestamp, and one signature where the sender writes one: two
	// values are two headers joined (a proxy, or an attacker's added
	// copy), and which of them to believe is not ours to guess.
	if len(ps["t"]) > 1 || (v.single && len(ps[v.sigKey]) > 1) {
		return Proof{}, unauthorized("conflicting values for the %s header", http.CanonicalHeaderKey(v.header))
	}
	if n := len(ps[v.sigKey]); n > maxCandidates {
		return Proof{}, tooMany(v.header, n)
	}
	var sigs [][]byte
	for _, val := range ps[v.sigKey] {
		sig, err := v.decode(val)
		if err != nil {
			return Proof{}, unauthorized("%s's %s is not %s", v.header, v.sigKey, v.encoding)
		}
		sigs = append(sigs, sig)
	}
	if len(ps["t"]) == 0 || len(sigs) == 0 {
		return Proof{}, unauthorized("%s lacks %s= or t=", v.header, v.sigKey)
	}
	ts := ps["t"][0]
	return v.check(ts, now, sigs, nil, v.message(ts, r.Body)...)
}
