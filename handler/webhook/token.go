package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"time"
)

// tokenVerifier checks "Authorization: Bearer <token>".
type tokenVerifier struct {
	digests [][32]byte
}

// NewTokenVerifier accepts requests that carry one of tokens as a bearer
// token. Tokens are compared as SHA-256 digests, so their lengths do not
// show in the time taken.
func NewTokenVerifier(tokens []string) Verifier {
	v := &tokenVerifier{}
	for _, t := range tokens {
		v.digests = append(v.digests, sha256.Sum256([]byte(t)))
	}
	return v
}

// Verify checks the bearer token. A token signs nothing, so the proof has
// no key (identical requests cannot be told from a replay); it covers the
// whole request, since whoever holds the token can send any header.
func (v *tokenVerifier) Verify(r *Request, _ time.Time) (Proof, error) {
	vals, err := requireHeaders(r, "Authorization")
	if err != nil {
		return Proof{}, err
	}
	h := vals[0]
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Proof{}, unauthorized("Authorization is not a Bearer token")
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := 0
	for _, d := range v.digests {
		match |= subtle.ConstantTimeCompare(got[:], d[:])
	}
	if match != 1 {
		return Proof{}, unauthorized("token does not match")
	}
	return Proof{whole: true}, nil
}
