package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
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
			err := tt.v.Verify(tt.r, tt.now)
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
	for k, v := range webhooktest.SignContentful("cf", r, now) {
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

func TestDeliveryID(t *testing.T) {
	tests := []struct {
		headers map[string]string
		want    string
	}{
		{map[string]string{"webhook-id": "msg_1", "X-GitHub-Delivery": "gh"}, "msg_1"},
		{map[string]string{"Idempotency-Key": "ik"}, "ik"},
		{map[string]string{"x-contentful-idempotency-key": "cf"}, "cf"},
		{map[string]string{"X-GitHub-Delivery": "gh"}, "gh"},
		{map[string]string{"X-Other": "x"}, ""},
	}
	for _, tt := range tests {
		if got := webhook.DeliveryID(req(tt.headers, "").Header); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.headers, got, tt.want)
		}
	}
}

// A replay key is the same for the same signature and differs for another;
// it holds no signature; a bearer token, which signs no body, has none.
func TestReplayKey(t *testing.T) {
	at := time.UnixMilli(1795162530123)
	ghost := webhook.NewGhostVerifier([]string{"g"}, time.Minute)
	sig := webhooktest.SignGhost("g", []byte("{}"), at)
	first := webhook.ReplayKey(ghost, req(map[string]string{"X-Ghost-Signature": sig}, "{}"))
	again := webhook.ReplayKey(ghost, req(map[string]string{"X-Ghost-Signature": sig}, "{}"))
	anew := webhook.ReplayKey(ghost, req(map[string]string{"X-Ghost-Signature": webhooktest.SignGhost("g", []byte("{}"), at.Add(time.Millisecond))}, "{}"))
	if first == "" || first != again || first == anew {
		t.Errorf("keys %q, %q, %q: want the first two equal and the third apart", first, again, anew)
	}
	_, hexSig, _ := strings.Cut(strings.Split(sig, ",")[0], "=")
	if strings.Contains(first, hexSig) {
		t.Errorf("the key %q holds the signature", first)
	}
	tok := webhook.NewTokenVerifier([]string{"t"})
	if k := webhook.ReplayKey(tok, req(map[string]string{"Authorization": "Bearer t"}, "{}")); k != "" {
		t.Errorf("bearer token: key %q", k)
	}
	wp := webhook.NewWordPressVerifier([]string{"w"})
	if k := webhook.ReplayKey(wp, req(nil, "{}")); k != "" {
		t.Errorf("no signature header: key %q", k)
	}
}

// A Contentful webhook URL with a query verifies, whatever order FC's map
// gives its keys: Contentful signs the path, "?" and the escaped query
// (node-apps-toolkit), computed here by hand.
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
		{"?env=master", cf, withQuery(signed("/hooks/x?env%3Dmaster"), map[string]string{"env": "master"}), now, true, ""},
		{"two keys, either order", cf, withQuery(signed("/hooks/x?space%3Dabc%26env%3Dmaster"), map[string]string{"env": "master", "space": "abc"}), now, true, ""},
		{"a value with a space, written %20", cf, withQuery(signed("/hooks/x?q%3Da%2520b"), map[string]string{"q": "a b"}), now, true, ""},
		{"a value with a space, written +", cf, withQuery(signed("/hooks/x?q%3Da%2Bb"), map[string]string{"q": "a b"}), now, true, ""},
		{"the query as sent", cf, func() *webhook.Request {
			r := req(signed("/hooks/x?b%3D2%26a%3D1"), body)
			r.RawQuery = "b=2&a=1"
			return r
		}(), now, true, ""},
		{"another value", cf, withQuery(signed("/hooks/x?env%3Dmaster"), map[string]string{"env": "staging"}), now, false, "does not match"},
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
