package webhook

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// standardVerifier checks a Standard Webhooks signature.
type standardVerifier struct {
	keys   [][]byte
	window time.Duration
}

// standardKey decodes a "whsec_<base64>" secret, or a bare base64 key.
func standardKey(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(k) == 0 {
		return nil, fmt.Errorf("a Standard Webhooks secret is whsec_ followed by base64")
	}
	return k, nil
}

// NewStandardVerifier checks the Standard Webhooks headers: webhook-id,
// webhook-timestamp (Unix seconds, within window of now) and
// webhook-signature, a space-separated list of "v1,<base64 HMAC-SHA256(key,
// id.timestamp.body)>". Secrets are "whsec_<base64 key>".
func NewStandardVerifier(secrets []string, window time.Duration) (Verifier, error) {
	v := &standardVerifier{window: window}
	for i, s := range secrets {
		k, err := standardKey(s)
		if err != nil {
			return nil, fmt.Errorf("secret %d: %w", i+1, err)
		}
		v.keys = append(v.keys, k)
	}
	return v, nil
}

// Verify checks webhook-signature's v1 entries against the MAC of
// id.timestamp.body, computed once per key. The proof is keyed by
// webhook-id, which the signature covers and which a sender's retries keep.
func (v *standardVerifier) Verify(r *Request, now time.Time) (Proof, error) {
	vals, err := requireHeaders(r, "webhook-id", "webhook-timestamp", "webhook-signature")
	if err != nil {
		return Proof{}, err
	}
	id, ts, list := vals[0], vals[1], vals[2]
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secs <= 0 {
		return Proof{}, unauthorized("webhook-timestamp %q is not a Unix time in seconds", clip(ts))
	}
	entries := strings.Fields(list)
	if len(entries) > maxCandidates {
		return Proof{}, tooMany("webhook-signature", len(entries))
	}
	var sigs [][]byte
	for _, entry := range entries {
		ver, sig64, found := strings.Cut(entry, ",")
		if !found || ver != "v1" {
			continue
		}
		if sig, err := base64.StdEncoding.DecodeString(sig64); err == nil {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		return Proof{}, unauthorized("webhook-signature has no v1 signature")
	}
	if matchMAC(v.keys, sigs, []byte(id), []byte("."), []byte(ts), []byte("."), r.Body) == nil {
		return Proof{}, unauthorized("signature does not match")
	}
	if err := checkWindow(time.Unix(secs, 0), now, v.window); err != nil {
		return Proof{}, err
	}
	return Proof{Key: "webhook-id:" + id, signed: map[string]bool{"Webhook-Id": true, "Webhook-Timestamp": true}}, nil
}
