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

func (v *hmacVerifier) Verify(r *Request, _ time.Time) error {
	vals, err := requireHeaders(r, v.header)
	if err != nil {
		return err
	}
	h := vals[0]
	if !strings.HasPrefix(h, v.prefix) {
		return unauthorized("%s does not start with %q", v.header, v.prefix)
	}
	sig, err := decodeSig(h[len(v.prefix):], v.encoding)
	if err != nil {
		return unauthorized("%s is not %s", v.header, v.encoding)
	}
	if !anyMAC(v.keys, sig, r.Body) {
		return unauthorized("signature does not match")
	}
	return nil
}

func decodeSig(s, encoding string) ([]byte, error) {
	if encoding == "base64" {
		return base64.StdEncoding.DecodeString(s)
	}
	return hex.DecodeString(s)
}
