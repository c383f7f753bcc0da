package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

func req(headers map[string]string, body string) *webhook.Request {
	h := http.Header{}
	for k, v := range headers {
		h.Set(k, v)
	}
	return &webhook.Request{Method: "POST", Path: "/hooks/x", Header: h, Body: []byte(body)}
}

// hexMAC and b64MAC compute signatures in the test, independently of the
// package's own helpers.
func hexMAC(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func b64MAC(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

type verifyCase struct {
	name string
	v    webhook.Verifier
	r    *webhook.Request
	now  time.Time
	ok   bool
	why  string // substring of the error
}

func runVerify(t *testing.T, tests []verifyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.v.Verify(tt.r, tt.now)
			if tt.ok {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, webhook.ErrUnauthorized) {
				t.Fatalf("error %v does not wrap webhook.ErrUnauthorized", err)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("error %q does not mention %q", err, tt.why)
			}
		})
	}
}

// Published vectors: Sanity's webhook toolkit, the Standard Webhooks spec
// and GitHub's documentation (shared/FACTS.md).
func TestPublishedVectors(t *testing.T) {
	sanityAt := time.UnixMilli(1633518820676)
	sanityBody := `{"title":"GROQ-Hooks are neat"}`
	sanityHeader := map[string]string{"sanity-webhook-signature": "t=1633518820676,v1=e7C9h2sfbFfc4V7TEz7PSOp4IoNzl0UdVsBV-1wgdeA"}
	std, err := webhook.NewStandardVerifier([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	stdAt := time.Unix(1614265330, 0)
	stdBody := `{"test": 2432232314}`
	stdHeader := map[string]string{"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330", "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
	gh := webhook.NewHMACVerifier([]string{"It's a Secret to Everybody"}, "X-Hub-Signature-256", "sha256=", "hex")
	ghHeader := map[string]string{"X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}
	sanity := webhook.NewSanityVerifier([]string{"try-me"}, 5*time.Minute)
	runVerify(t, []verifyCase{
		{"sanity vector", sanity, req(sanityHeader, sanityBody), sanityAt, true, ""},
		{"sanity mutated body", sanity, req(sanityHeader, sanityBody+" "), sanityAt, false, "does not match"},
		{"sanity wrong secret", webhook.NewSanityVerifier([]string{"try-you"}, 5*time.Minute), req(sanityHeader, sanityBody), sanityAt, false, "does not match"},
		{"sanity stale", sanity, req(sanityHeader, sanityBody), sanityAt.Add(6 * time.Minute), false, "replay window"},
		{"sanity future", sanity, req(sanityHeader, sanityBody), sanityAt.Add(-6 * time.Minute), false, "replay window"},
		{"sanity missing", sanity, req(nil, sanityBody), sanityAt, false, "missing"},
		{"sanity malformed", sanity, req(map[string]string{"sanity-webhook-signature": "v1=!!!"}, sanityBody), sanityAt, false, "base64url"},
		{"sanity no t", sanity, req(map[string]string{"sanity-webhook-signature": "v1=e7C9h2sfbFfc4V7TEz7PSOp4IoNzl0UdVsBV-1wgdeA"}, sanityBody), sanityAt, false, "lacks"},
		{"standard vector", std, req(stdHeader, stdBody), stdAt, true, ""},
		{"standard mutated body", std, req(stdHeader, `{"test": 2432232315}`), stdAt, false, "does not match"},
		{"standard stale", std, req(stdHeader, stdBody), stdAt.Add(5*time.Minute + time.Second), false, "replay window"},
		{"standard missing id", std, req(map[string]string{"webhook-timestamp": "1614265330", "webhook-signature": stdHeader["webhook-signature"]}, stdBody), stdAt, false, "webhook-id"},
		{"standard other id", std, req(map[string]string{"webhook-id": "msg_other", "webhook-timestamp": "1614265330", "webhook-signature": stdHeader["webhook-signature"]}, stdBody), stdAt, false, "does not match"},
		{"standard bad timestamp", std, req(map[string]string{"webhook-id": "m", "webhook-timestamp": "soon", "webhook-signature": "v1,AAAA"}, stdBody), stdAt, false, "seconds"},
		{"standard list with a rotated signature", std, req(map[string]string{"webhook-id": stdHeader["webhook-id"], "webhook-timestamp": "1614265330", "webhook-signature": "v1,AAAA v2,xyz " + stdHeader["webhook-signature"]}, stdBody), stdAt, true, ""},
		{"standard no v1", std, req(map[string]string{"webhook-id": "m", "webhook-timestamp": "1614265330", "webhook-signature": "v1a,abc"}, stdBody), stdAt, false, "no v1"},
		{"github vector", gh, req(ghHeader, "Hello, World!"), time.Time{}, true, ""},
		{"github mutated", gh, req(ghHeader, "Hello, World?"), time.Time{}, false, "does not match"},
		{"github missing", gh, req(nil, "Hello, World!"), time.Time{}, false, "missing X-Hub-Signature-256"},
		{"github no prefix", gh, req(map[string]string{"X-Hub-Signature-256": "757107ea"}, "Hello, World!"), time.Time{}, false, "does not start"},
		{"github not hex", gh, req(map[string]string{"X-Hub-Signature-256": "sha256=zz"}, "Hello, World!"), time.Time{}, false, "not hex"},
	})
}

func TestSchemesAndRotation(t *testing.T) {
	now := time.UnixMilli(1795162530123)
	ms := "1795162530123"
	body := `{"post":{"current":{"slug":"a"}}}`
	ghostHeader := map[string]string{"X-Ghost-Signature": "sha256=" + hexMAC("ghost-2", body+ms) + ", t=" + ms}
	ghost := webhook.NewGhostVerifier([]string{"ghost-1", "ghost-2"}, 5*time.Minute)
	wp := webhook.NewWordPressVerifier([]string{"wp-1"})
	wpHeader := map[string]string{"X-WP-Webhook-Signature": b64MAC([]byte("wp-1"), body)}
	cfCanon := "POST\n/hooks/x\nx-contentful-signed-headers:x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic;x-contentful-timestamp:" + ms + ";x-contentful-topic:ContentManagement.Entry.publish\n" + body
	cfHeader := map[string]string{
		"x-contentful-signature":      hexMAC("cf-1", cfCanon),
		"x-contentful-signed-headers": "x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic",
		"x-contentful-timestamp":      ms,
		"x-contentful-topic":          "ContentManagement.Entry.publish",
	}
	cf := webhook.NewContentfulVerifier([]string{"cf-1"}, 30*time.Second)
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range h {
			out[a] = b
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tok := webhook.NewTokenVerifier([]string{"old-token", "new-token"})
	runVerify(t, []verifyCase{
		{"ghost second secret", ghost, req(ghostHeader, body), now, true, ""},
		{"ghost mutated", ghost, req(ghostHeader, body+"x"), now, false, "does not match"},
		{"ghost wrong secret", webhook.NewGhostVerifier([]string{"ghost-3"}, 5*time.Minute), req(ghostHeader, body), now, false, "does not match"},
		{"ghost stale", ghost, req(ghostHeader, body), now.Add(10 * time.Minute), false, "replay window"},
		{"ghost missing", ghost, req(nil, body), now, false, "missing X-Ghost-Signature"},
		{"ghost no t", ghost, req(map[string]string{"X-Ghost-Signature": "sha256=00"}, body), now, false, "lacks"},
		{"ghost bad t", ghost, req(map[string]string{"X-Ghost-Signature": "sha256=00, t=abc"}, body), now, false, "milliseconds"},
		{"wordpress", wp, req(wpHeader, body), now, true, ""},
		{"wordpress mutated", wp, req(wpHeader, body+" "), now, false, "does not match"},
		{"wordpress missing", wp, req(nil, body), now, false, "missing"},
		{"wordpress not base64", wp, req(map[string]string{"X-WP-Webhook-Signature": "%%%"}, body), now, false, "not base64"},
		{"contentful", cf, req(cfHeader, body), now.Add(10 * time.Second), true, ""},
		{"contentful mutated", cf, req(cfHeader, body+" "), now, false, "does not match"},
		{"contentful topic changed", cf, req(with(cfHeader, "x-contentful-topic", "ContentManagement.Entry.delete"), body), now, false, "does not match"},
		{"contentful stale (30s)", cf, req(cfHeader, body), now.Add(31 * time.Second), false, "replay window"},
		{"contentful unsigned timestamp", cf, req(with(cfHeader, "x-contentful-signed-headers", "x-contentful-topic"), body), now, false, "does not include x-contentful-timestamp"},
		{"contentful missing signature", cf, req(with(cfHeader, "x-contentful-signature", ""), body), now, false, "missing x-contentful-signature"},
		{"token", tok, req(map[string]string{"Authorization": "Bearer new-token"}, body), now, true, ""},
		{"token scheme case", tok, req(map[string]string{"Authorization": "bearer old-token"}, body), now, true, ""},
		{"token wrong", tok, req(map[string]string{"Authorization": "Bearer new-token2"}, body), now, false, "does not match"},
		{"token basic", tok, req(map[string]string{"Authorization": "Basic bmV3LXRva2Vu"}, body), now, false, "not a Bearer"},
		{"token missing", tok, req(nil, body), now, false, "missing Authorization"},
	})
}

// The signers that build samples agree with the verifiers.
func TestSignersRoundTrip(t *testing.T) {
	now := time.Unix(1795162530, 0)
	body := []byte(`{"a":1}`)
	r := req(map[string]string{"X-Contentful-Topic": "ContentManagement.Entry.publish"}, string(body))
	for k, v := range webhooktest.SignContentful("cf", r, now, "x-contentful-topic") {
		r.Header.Set(k, v)
	}
	std, err := webhooktest.SignStandard("whsec_"+base64.StdEncoding.EncodeToString([]byte("k")), "id1", body, now)
	if err != nil {
		t.Fatal(err)
	}
	stdV, _ := webhook.NewStandardVerifier([]string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("k"))}, time.Minute)
	runVerify(t, []verifyCase{
		{"ghost", webhook.NewGhostVerifier([]string{"g"}, time.Minute), req(map[string]string{"X-Ghost-Signature": webhooktest.SignGhost("g", body, now)}, string(body)), now, true, ""},
		{"sanity", webhook.NewSanityVerifier([]string{"s"}, time.Minute), req(map[string]string{"sanity-webhook-signature": webhooktest.SignSanity("s", body, now)}, string(body)), now, true, ""},
		{"wordpress", webhook.NewWordPressVerifier([]string{"w"}), req(map[string]string{"X-WP-Webhook-Signature": webhooktest.SignWordPress("w", body)}, string(body)), now, true, ""},
		{"hmac base64", webhook.NewHMACVerifier([]string{"h"}, "X-Sig", "", "base64"), req(map[string]string{"X-Sig": webhooktest.SignHMAC("h", body, "", "base64")}, string(body)), now, true, ""},
		{"contentful", webhook.NewContentfulVerifier([]string{"cf"}, time.Minute), r, now, true, ""},
		{"standard", stdV, req(map[string]string{"webhook-id": "id1", "webhook-timestamp": "1795162530", "webhook-signature": std}, string(body)), now, true, ""},
	})
	if _, err := webhook.NewStandardVerifier([]string{"whsec_???"}, time.Minute); err == nil {
		t.Error("a Standard Webhooks secret that is not base64 was accepted")
	}
}

// A proof's key is what the signature covers: the same for a replay of a
// signed request however its headers are re-spelled or added to, another
// for the same content signed anew; it holds no signature. A sender's
// delivery ID keys it only where the signature covers the ID; a bearer
// token, which signs nothing, gives no key.
func TestProofKeys(t *testing.T) {
	at := time.UnixMilli(1795162530123)
	ms := "1795162530123"
	body := `{"post":{"current":{"slug":"a"}}}`
	ghost := webhook.NewGhostVerifier([]string{"g"}, time.Minute)
	hexSig := hexMAC("g", body+ms)
	ghostReq := func(header string, extra ...string) *webhook.Request {
		h := map[string]string{"X-Ghost-Signature": header}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i]] = extra[i+1]
		}
		return req(h, body)
	}
	wp := webhook.NewWordPressVerifier([]string{"w"})
	wpSig := b64MAC([]byte("w"), body)
	// 32 bytes in base64 leave two spare bits in the last character:
	// setting them spells the same signature differently.
	wpSig2 := wpSig[:42] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", wpSig[42])|3]) + "="
	stdSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("k"))
	std, _ := webhook.NewStandardVerifier([]string{stdSecret}, time.Minute)
	stdReq := func(id string, t time.Time) *webhook.Request {
		sig, _ := webhooktest.SignStandard(stdSecret, id, []byte(body), t)
		return req(map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(t.Unix(), 10), "webhook-signature": sig, "Idempotency-Key": "attacker-1"}, body)
	}
	cf := webhook.NewContentfulVerifier([]string{"cf"}, time.Minute)
	cfReq := func(idem string, signIdem bool) *webhook.Request {
		r := req(map[string]string{"X-Contentful-Idempotency-Key": idem}, body)
		var extra []string
		if signIdem {
			extra = []string{"x-contentful-idempotency-key"}
		}
		for k, v := range webhooktest.SignContentful("cf", r, at, extra...) {
			r.Header.Set(k, v)
		}
		return r
	}
	sanity := webhook.NewSanityVerifier([]string{"s"}, time.Minute)
	sanitySig := webhooktest.SignSanity("s", []byte(body), at)
	key := func(v webhook.Verifier, r *webhook.Request) string {
		t.Helper()
		p, err := v.Verify(r, at)
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return p.Key
	}
	for _, tt := range []struct {
		name  string
		v     webhook.Verifier
		a, b  *webhook.Request
		equal bool
	}{
		{"ghost: a replay with Idempotency-Key added", ghost, ghostReq("sha256=" + hexSig + ", t=" + ms), ghostReq("sha256="+hexSig+", t="+ms, "Idempotency-Key", "attacker-1"), true},
		{"ghost: hex in upper case", ghost, ghostReq("sha256=" + hexSig + ", t=" + ms), ghostReq("sha256=" + strings.ToUpper(hexSig) + ", t=" + ms), true},
		{"ghost: parameters reordered", ghost, ghostReq("sha256=" + hexSig + ", t=" + ms), ghostReq("t=" + ms + ",sha256=" + hexSig), true},
		{"ghost: signed anew", ghost, ghostReq("sha256=" + hexSig + ", t=" + ms), ghostReq(webhooktest.SignGhost("g", []byte(body), at.Add(-time.Millisecond))), false},
		{"wordpress: base64 spelled otherwise", wp, req(map[string]string{"X-WP-Webhook-Signature": wpSig}, body), req(map[string]string{"X-WP-Webhook-Signature": wpSig2, "Idempotency-Key": "attacker-2"}, body), true},
		{"standard: webhook-id, signed, kept by a retry signed anew", std, stdReq("msg_1", at), stdReq("msg_1", at.Add(-time.Second)), true},
		{"standard: another webhook-id", std, stdReq("msg_1", at), stdReq("msg_2", at), false},
		{"contentful: unsigned idempotency key ignored", cf, cfReq("cf-1", false), cfReq("attacker-3", false), true},
		{"contentful: signed idempotency key used", cf, cfReq("cf-1", true), cfReq("cf-2", true), false},
		{"sanity: idempotency-key added", sanity, req(map[string]string{"sanity-webhook-signature": sanitySig}, body), req(map[string]string{"sanity-webhook-signature": sanitySig, "idempotency-key": "attacker-4"}, body), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := key(tt.v, tt.a), key(tt.v, tt.b)
			if a == "" || (a == b) != tt.equal {
				t.Errorf("keys %q and %q; want equal: %v", a, b, tt.equal)
			}
			if strings.Contains(strings.ToLower(a), hexSig) || strings.Contains(a, "attacker") {
				t.Errorf("key %q holds a signature or an unsigned header", a)
			}
		})
	}
	if k := key(webhook.NewTokenVerifier([]string{"t"}), req(map[string]string{"Authorization": "Bearer t", "Idempotency-Key": "x"}, body)); k != "" {
		t.Errorf("bearer token: key %q, want none", k)
	}
	if k := key(cf, cfReq("cf-9", true)); k != "idempotency-key:cf-9" {
		t.Errorf("contentful, signed idempotency key: key %q", k)
	}
}

// A header with more than 8 signatures is refused as malformed, before any
// MAC is computed; 8 are accepted.
func TestCandidateBound(t *testing.T) {
	at := time.UnixMilli(1795162530123)
	body := "{}"
	good := webhooktest.SignGhost("g", []byte(body), at)
	ghost := webhook.NewGhostVerifier([]string{"g"}, time.Minute)
	stdSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("k"))
	std, _ := webhook.NewStandardVerifier([]string{stdSecret}, time.Minute)
	stdSig, _ := webhooktest.SignStandard(stdSecret, "m", []byte(body), at)
	stdReq := func(junk int) *webhook.Request {
		list := strings.Repeat("v1,AAAA ", junk) + stdSig
		return req(map[string]string{"webhook-id": "m", "webhook-timestamp": strconv.FormatInt(at.Unix(), 10), "webhook-signature": list}, body)
	}
	runVerify(t, []verifyCase{
		// Ghost writes one signature: more are headers joined, refused
		// before any is computed.
		{"ghost, 2 signatures", ghost, req(map[string]string{"X-Ghost-Signature": "sha256=00, " + good}, body), at, false, "conflicting values"},
		{"ghost, 9 signatures", ghost, req(map[string]string{"X-Ghost-Signature": strings.Repeat("sha256=00, ", 8) + good}, body), at, false, "conflicting values"},
		{"standard, 8 entries", std, stdReq(7), at, true, ""},
		{"standard, 5000 entries", std, stdReq(4999), at, false, "carries 5000 signatures; at most 8"},
	})
}

// A Contentful webhook URL with a query verifies, whatever order FC's map
// gives its keys: Contentful signs encodeURI(path + "?" +
// querystring.escape(query)) (node-apps-toolkit), so each '%' of the
// escaped query is escaped again; computed here by hand.
func TestContentfulQuery(t *testing.T) {
	now := time.UnixMilli(1795162530123)
	ms := "1795162530123"
	body := `{"sys":{"type":"Entry","id":"e1"}}`
	names := "x-contentful-signed-headers,x-contentful-timestamp"
	signed := func(signedPath string) map[string]string {
		canon := "POST\n" + signedPath + "\nx-contentful-signed-headers:" + names + ";x-contentful-timestamp:" + ms + "\n" + body
		return map[string]string{"x-contentful-signature": hexMAC("cf-q", canon), "x-contentful-signed-headers": names, "x-contentful-timestamp": ms}
	}
	withQuery := func(h map[string]string, q map[string]string) *webhook.Request {
		r := req(h, body)
		r.Query = q
		return r
	}
	cf := webhook.NewContentfulVerifier([]string{"cf-q"}, time.Minute)
	runVerify(t, []verifyCase{
		{"?env=master", cf, withQuery(signed("/hooks/x?env%253Dmaster"), map[string]string{"env": "master"}), now, true, ""},
		{"two keys, either order", cf, withQuery(signed("/hooks/x?space%253Dabc%2526env%253Dmaster"), map[string]string{"env": "master", "space": "abc"}), now, true, ""},
		{"a value with a space, written %20", cf, withQuery(signed("/hooks/x?q%253Da%252520b"), map[string]string{"q": "a b"}), now, true, ""},
		{"a value with a space, written +", cf, withQuery(signed("/hooks/x?q%253Da%252Bb"), map[string]string{"q": "a b"}), now, true, ""},
		{"escaped once only (not as the toolkit signs)", cf, withQuery(signed("/hooks/x?env%3Dmaster"), map[string]string{"env": "master"}), now, false, "does not match"},
		{"the query as sent", cf, func() *webhook.Request {
			r := req(signed("/hooks/x?b%253D2%2526a%253D1"), body)
			r.RawQuery = "b=2&a=1"
			return r
		}(), now, true, ""},
		{"another value", cf, withQuery(signed("/hooks/x?env%253Dmaster"), map[string]string{"env": "staging"}), now, false, "does not match"},
		{"a query not signed", cf, withQuery(signed("/hooks/x"), map[string]string{"env": "master"}), now, false, "does not match"},
		{"no query, as signed", cf, withQuery(signed("/hooks/x"), nil), now, true, ""},
	})
	r := &webhook.Request{Method: "POST", Path: "/hooks/x", RawQuery: "env=master&space=abc", Header: http.Header{}, Body: []byte(body)}
	for k, v := range webhooktest.SignContentful("cf-q", r, now) {
		r.Header.Set(k, v)
	}
	r.RawQuery, r.Query = "", map[string]string{"space": "abc", "env": "master"}
	runVerify(t, []verifyCase{{"signed as the toolkit signs, read from FC's map", cf, r, now, true, ""}})
}
