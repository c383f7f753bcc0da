package webhook_test

import (
	"encoding/base64"
	"testing"
	"time"

	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// signingScheme is a verifier, and how to sign a request so that it
// accepts it.
type signingScheme struct {
	name string
	v    webhook.Verifier
	sign func(r *webhook.Request)
}

// signingSchemes is every verifier, each with its own made-up secret,
// signing at now.
func signingSchemes(tb testing.TB, now time.Time) []signingScheme {
	tb.Helper()
	stdSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("fuzz-key"))
	std, err := webhook.NewStandardVerifier([]string{stdSecret}, time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	return []signingScheme{
		{"ghost", webhook.NewGhostVerifier([]string{"g"}, time.Minute), func(r *webhook.Request) { r.Header.Set("X-Ghost-Signature", webhooktest.SignGhost("g", r.Body, now)) }},
		{"wordpress", webhook.NewWordPressVerifier([]string{"w"}), func(r *webhook.Request) {
			r.Header.Set("X-WP-Webhook-Signature", webhooktest.SignWordPress("w", r.Body))
		}},
		{"sanity", webhook.NewSanityVerifier([]string{"s"}, time.Minute), func(r *webhook.Request) {
			r.Header.Set("Sanity-Webhook-Signature", webhooktest.SignSanity("s", r.Body, now))
		}},
		{"hmac", webhook.NewHMACVerifier([]string{"h"}, "X-Hub-Signature-256", "sha256=", "hex"), func(r *webhook.Request) {
			r.Header.Set("X-Hub-Signature-256", webhooktest.SignHMAC("h", r.Body, "sha256=", "hex"))
		}},
		{"standard", std, func(r *webhook.Request) {
			sig, _ := webhooktest.SignStandard(stdSecret, "msg_1", r.Body, now)
			r.Header.Set("Webhook-Id", "msg_1")
			r.Header.Set("Webhook-Timestamp", "1795162530")
			r.Header.Set("Webhook-Signature", sig)
		}},
		{"contentful", webhook.NewContentfulVerifier([]string{"c"}, time.Minute), func(r *webhook.Request) {
			r.Header.Set("X-Contentful-Topic", "ContentManagement.Entry.publish")
			for k, v := range webhooktest.SignContentful("c", r, now, "x-contentful-topic") {
				r.Header.Set(k, v)
			}
		}},
	}
}

// A verifier accepts the body that was signed, and never the same body with
// one byte changed or cut.
func FuzzVerifiersRejectMutations(f *testing.F) {
	f.Add([]byte(`{"title":"GROQ-Hooks are neat"}`), uint(3), byte(1))
	f.Add([]byte(`{"paths":["https://img.example.com/a.png"]}`), uint(0), byte(0x80))
	f.Add([]byte("x"), uint(0), byte(0))
	now := time.Unix(1795162530, 0)
	schemes := signingSchemes(f, now)
	f.Fuzz(func(t *testing.T, body []byte, at uint, flip byte) {
		for _, s := range schemes {
			r := req(nil, string(body))
			s.sign(r)
			if _, err := s.v.Verify(r, now); err != nil {
				t.Fatalf("%s rejects what it signed: %v", s.name, err)
			}
			mutated := append([]byte(nil), body...)
			if len(mutated) > 0 && flip != 0 {
				mutated[int(at%uint(len(mutated)))] ^= flip
			} else {
				mutated = append(mutated, '!')
			}
			r.Body = mutated
			if _, err := s.v.Verify(r, now); err == nil {
				t.Fatalf("%s accepts a mutated body %q (signed %q)", s.name, mutated, body)
			}
			if len(body) > 0 {
				r.Body = body[:len(body)-1]
				if _, err := s.v.Verify(r, now); err == nil {
					t.Fatalf("%s accepts a cut body", s.name)
				}
			}
		}
	})
}

// No header value makes a verifier panic, and none is accepted without a
// secret's signature.
func FuzzVerifierHeaders(f *testing.F) {
	f.Add("sha256=00, t=1", "t=1633518820676,v1=e7C9h2sfbFfc4V7TEz7PSOp4IoNzl0UdVsBV-1wgdeA", "v1,AAAA v1,", "1614265330")
	now := time.UnixMilli(1633518820676)
	std, _ := webhook.NewStandardVerifier([]string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("k"))}, time.Minute)
	vs := []webhook.Verifier{
		webhook.NewGhostVerifier([]string{"g"}, time.Minute), webhook.NewWordPressVerifier([]string{"w"}), webhook.NewSanityVerifier([]string{"s"}, time.Minute),
		webhook.NewContentfulVerifier([]string{"c"}, time.Minute), webhook.NewHMACVerifier([]string{"h"}, "X-Sig", "", "base64"), webhook.NewTokenVerifier([]string{"tok"}), std,
	}
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		r := req(map[string]string{
			"X-Ghost-Signature": a, "X-WP-Webhook-Signature": b, "Sanity-Webhook-Signature": b,
			"X-Contentful-Signature": a, "X-Contentful-Signed-Headers": c, "X-Contentful-Timestamp": d,
			"X-Sig": c, "Authorization": a, "Webhook-Id": a, "Webhook-Timestamp": d, "Webhook-Signature": c,
		}, "body")
		for _, v := range vs {
			if _, err := v.Verify(r, now); err == nil {
				t.Fatalf("%T accepted unsigned headers %q %q %q %q", v, a, b, c, d)
			}
		}
	})
}
