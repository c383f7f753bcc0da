package webhook

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The headers of an ApsaraVideo VOD callback with authentication on
// (AuthSwitch: on in the VOD console).
const (
	VODTimestampHeader = "X-VOD-TIMESTAMP"
	VODSignatureHeader = "X-VOD-SIGNATURE"
)

// VODSignature returns the X-VOD-SIGNATURE that VOD sends: the lower-case
// hex MD5 of "callbackURL|timestamp|authKey", the callback URL exactly as
// configured in VOD, the timestamp as sent in X-VOD-TIMESTAMP (Unix
// seconds).
func VODSignature(callbackURL, timestamp, authKey string) string {
	sum := md5.Sum([]byte(callbackURL + "|" + timestamp + "|" + authKey))
	return hex.EncodeToString(sum[:])
}

// vodVerifier checks VOD's callback authentication.
type vodVerifier struct {
	keys        []string
	callbackURL string // "" means https:// + the Host header + the request path
	window      time.Duration
}

// NewVODVerifier checks ApsaraVideo VOD's HTTP callback authentication:
// X-VOD-SIGNATURE is the MD5 of callbackURL|X-VOD-TIMESTAMP|AuthKey under
// one of secrets (the AuthKey, then the one being rotated out), and the
// timestamp is within window of now. An empty callbackURL is read from the
// request: "https://" + its Host header + its path. The body is not
// signed: the proof covers the timestamp alone, and a parser must treat
// the body as untrusted.
func NewVODVerifier(secrets []string, callbackURL string, window time.Duration) Verifier {
	return &vodVerifier{keys: secrets, callbackURL: callbackURL, window: window}
}

// url returns the callback URL that VOD signed.
func (v *vodVerifier) url(r *Request) (string, error) {
	if v.callbackURL != "" {
		return v.callbackURL, nil
	}
	host, err := r.signed("Host")
	if err != nil {
		return "", err
	}
	if host = strings.TrimSpace(host); host == "" {
		return "", unauthorized("missing Host header, which the signed callback URL is made of; set the route's callbackURL")
	}
	return "https://" + host + r.Path, nil
}

// Verify checks the signature against each key, in constant time, and the
// timestamp against the window. The proof is keyed by what the signature
// covers, the timestamp and the signature (the MD5 that matched), and
// covers the X-VOD-TIMESTAMP header.
func (v *vodVerifier) Verify(r *Request, now time.Time) (Proof, error) {
	vals, err := requireHeaders(r, VODTimestampHeader, VODSignatureHeader)
	if err != nil {
		return Proof{}, err
	}
	ts, sig := vals[0], vals[1]
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secs <= 0 {
		return Proof{}, unauthorized("%s %q is not a Unix time in seconds", VODTimestampHeader, clip(ts))
	}
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != md5.Size {
		return Proof{}, unauthorized("%s is not a hex MD5", VODSignatureHeader)
	}
	callback, err := v.url(r)
	if err != nil {
		return Proof{}, err
	}
	var found []byte
	for _, k := range v.keys {
		want := md5.Sum([]byte(callback + "|" + ts + "|" + k))
		if subtle.ConstantTimeCompare(want[:], got) == 1 {
			found = want[:]
		}
	}
	if found == nil {
		return Proof{}, unauthorized("signature does not match (signed URL %s)", callback)
	}
	if err := checkWindow(time.Unix(secs, 0), now, v.window); err != nil {
		return Proof{}, err
	}
	return macProof(found, ts, VODTimestampHeader), nil
}

// sign returns the headers that sign a callback for url at timestamp ts
// with the current key, as VOD would.
func (v *vodVerifier) sign(url, ts string) map[string]string {
	return map[string]string{VODTimestampHeader: ts, VODSignatureHeader: VODSignature(url, ts, v.keys[0])}
}

// SignVOD returns the headers that sign a verified VOD callback for url,
// as VOD would have signed it there: its own timestamp (req's
// X-VOD-TIMESTAMP) and the route's current key. ok is false for a route
// that is not a vod route with a key.
func (r *Route) SignVOD(url string, req *Request) (headers map[string]string, ok bool) {
	v, ok := r.Verifier.(*vodVerifier)
	if !ok {
		return nil, false
	}
	return v.sign(url, req.Header.Get(VODTimestampHeader)), true
}
