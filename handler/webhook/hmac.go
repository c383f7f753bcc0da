package webhook

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// hmacVerifier checks a GitHub-style header: prefix + hex or base64 of
// HMAC-SHA256(secret, body).
type hmacVerifier struct {
	keys     [][]byte
	header   string
	prefix   string
	encoding string
}

// NewHMACVerifier checks header = prefix + encoding(HMAC-SHA256(secret,
// body)), with encoding "hex" or "base64". There is no timestamp.
func NewHMACVerifier(secrets []string, header, prefix, encoding string) Verifier {
	return &hmacVerifier{keys: byteKeys(secrets), header: header, prefix: prefix, encoding: encoding}
}

// Verify checks the header against the MAC of the body; the proof is
// keyed by that MAC (the scheme has no timestamp).
func (v *hmacVerifier) Verify(r *Request, _ time.Time) (Proof, error) {
	vals, err := requireHeaders(r, v.header)
	if err != nil {
		return Proof{}, err
	}
	h := vals[0]
	if !strings.HasPrefix(h, v.prefix) {
		return Proof{}, unauthorized("%s does not start with %q", v.header, v.prefix)
	}
	sig, err := decodeSig(h[len(v.prefix):], v.encoding)
	if err != nil {
		return Proof{}, unauthorized("%s is not %s", v.header, v.encoding)
	}
	return bodyProof(v.keys, sig, r.Body)
}

// bodyProof checks sig against the MAC of the body alone under each key,
// for the schemes that sign nothing else; the proof is keyed by the MAC.
func bodyProof(keys [][]byte, sig, body []byte) (Proof, error) {
	mac := matchMAC(keys, [][]byte{sig}, body)
	if mac == nil {
		return Proof{}, unauthorized("signature does not match")
	}
	return macProof(mac, ""), nil
}

func decodeSig(s, encoding string) ([]byte, error) {
	if encoding == "base64" {
		return base64.StdEncoding.DecodeString(s)
	}
	return hex.DecodeString(s)
}
