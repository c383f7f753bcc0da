package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// deliveryHeaders carry a sender's delivery ID, in order of preference.
var deliveryHeaders = []string{"Webhook-Id", "Idempotency-Key", "X-Contentful-Idempotency-Key", "X-Github-Delivery"}

// DeliveryID returns the sender's delivery ID, for de-duplication: the
// first of webhook-id, idempotency-key, X-Contentful-Idempotency-Key and
// X-GitHub-Delivery that is set, or "".
func DeliveryID(h http.Header) string {
	for _, k := range deliveryHeaders {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			return v
		}
	}
	return ""
}

// bodySigner is a verifier whose signature covers the body: signatureHeader
// names the header that carries it.
type bodySigner interface{ signatureHeader() string }

func (v *paramVerifier) signatureHeader() string      { return v.header }
func (v *wordpressVerifier) signatureHeader() string  { return "X-WP-Webhook-Signature" }
func (v *hmacVerifier) signatureHeader() string       { return v.header }
func (v *contentfulVerifier) signatureHeader() string { return contentfulSignature }
func (v *standardVerifier) signatureHeader() string   { return "Webhook-Signature" }

// ReplayKey names a verified request for de-duplication when its sender
// sends no delivery ID (Ghost, WordPress's signature, Sanity, GitHub-style
// HMAC): a replay repeats the signature exactly, while a new delivery is
// signed anew, over a new timestamp or a new body. It is a digest of the
// signature header, so that no signature is kept; "" for a scheme that
// signs no body (a bearer token is the same on every request).
func ReplayKey(v Verifier, r *Request) string {
	s, ok := v.(bodySigner)
	if !ok {
		return ""
	}
	h := strings.TrimSpace(r.Header.Get(s.signatureHeader()))
	if h == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(h))
	return "signature:" + hex.EncodeToString(sum[:])
}
