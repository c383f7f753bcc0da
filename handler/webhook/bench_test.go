package webhook_test

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// BenchmarkVerifyManyCandidates verifies a 1 MiB body carrying one
// signature and the most a header may carry (8), and a Contentful request
// whose query must be rebuilt from FC's map (4 keys, 72 candidate paths
// before the hash budget; signed as sent without a query, so none matches:
// the worst case). The floor is one HMAC-SHA256 over the body per
// secret: about 1 MiB / (SHA-256 throughput), e.g. 0.5-3 ms on one core
// depending on SHA extensions. Many candidates cost the same as one, since
// each secret's MAC is computed once and the candidates are compared with
// it; the rebuilt Contentful paths cost at most max(2, 4 MiB/len(body)) MACs,
// 4 here. Measured on the shared 2-core machine: about 0.65 ms for 1 and
// for 8 candidates alike, 2 ms for the rebuilt query. Before, each candidate recomputed the MAC: 5,000 Ghost signatures
// cost 5,000 MACs.
func BenchmarkVerifyManyCandidates(b *testing.B) {
	body := bytes.Repeat([]byte("a"), 1<<20)
	now := time.UnixMilli(1795162530123)
	ghost := webhook.NewGhostVerifier([]string{"g"}, time.Minute)
	good := webhooktest.SignGhost("g", body, now)
	stdSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))
	std, _ := webhook.NewStandardVerifier([]string{stdSecret}, time.Minute)
	stdSig, _ := webhooktest.SignStandard(stdSecret, "m", body, now)
	cf := webhook.NewContentfulVerifier([]string{"cf"}, time.Minute)
	cfReq := func(query map[string]string) *webhook.Request {
		r := req(nil, "")
		r.Body, r.Query = body, query
		for k, v := range webhooktest.SignContentful("cf", r, now) {
			r.Header.Set(k, v)
		}
		return r
	}
	for _, bb := range []struct {
		name string
		v    webhook.Verifier
		r    *webhook.Request
	}{
		{"ghost/1", ghost, req(map[string]string{"X-Ghost-Signature": good}, "")},
		{"ghost/8", ghost, req(map[string]string{"X-Ghost-Signature": strings.Repeat("sha256=00, ", 7) + good}, "")},
		{"standard/1", std, req(map[string]string{"webhook-id": "m", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": stdSig}, "")},
		{"standard/8", std, req(map[string]string{"webhook-id": "m", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": strings.Repeat("v1,AAAA ", 7) + stdSig}, "")},
		{"contentful/no query", cf, cfReq(nil)},
		{"contentful/4-key map", cf, cfReq(map[string]string{"a": " ", "b": "!", "c": "*", "d": "'"})},
	} {
		bb.r.Body = body
		if _, err := bb.v.Verify(bb.r, now); err != nil && !strings.HasPrefix(bb.name, "contentful/4") {
			b.Fatalf("%s: %v", bb.name, err)
		}
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				bb.v.Verify(bb.r, now)
			}
		})
	}
}
