package webhook

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// signingScheme is a verifier, and how to sign a request so that it
// accepts it.
type signingScheme struct {
	name string
	v    Verifier
	sign func(r *Request)
}

// signingSchemes is every verifier, each with its own made-up secret,
// signing at now.
func signingSchemes(tb testing.TB, now time.Time) []signingScheme {
	tb.Helper()
	stdSecret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("fuzz-key"))
	std, err := NewStandardVerifier([]string{stdSecret}, time.Minute)
	if err != nil {
		tb.Fatal(err)
	}
	return []signingScheme{
		{"ghost", NewGhostVerifier([]string{"g"}, time.Minute), func(r *Request) { r.Header.Set("X-Ghost-Signature", SignGhost("g", r.Body, now)) }},
		{"wordpress", NewWordPressVerifier([]string{"w"}), func(r *Request) { r.Header.Set("X-WP-Webhook-Signature", SignWordPress("w", r.Body)) }},
		{"sanity", NewSanityVerifier([]string{"s"}, time.Minute), func(r *Request) { r.Header.Set("Sanity-Webhook-Signature", SignSanity("s", r.Body, now)) }},
		{"hmac", NewHMACVerifier([]string{"h"}, "X-Hub-Signature-256", "sha256=", "hex"), func(r *Request) {
			r.Header.Set("X-Hub-Signature-256", SignHMAC("h", r.Body, "sha256=", "hex"))
		}},
		{"standard", std, func(r *Request) {
			sig, _ := SignStandard(stdSecret, "msg_1", r.Body, now)
			r.Header.Set("Webhook-Id", "msg_1")
			r.Header.Set("Webhook-Timestamp", "1795162530")
			r.Header.Set("Webhook-Signature", sig)
		}},
		{"contentful", NewContentfulVerifier([]string{"c"}, time.Minute), func(r *Request) {
			r.Header.Set("X-Contentful-Topic", "ContentManagement.Entry.publish")
			for k, v := range SignContentful("c", r, now) {
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
			if err := s.v.Verify(r, now); err != nil {
				t.Fatalf("%s rejects what it signed: %v", s.name, err)
			}
			mutated := append([]byte(nil), body...)
			if len(mutated) > 0 && flip != 0 {
				mutated[int(at%uint(len(mutated)))] ^= flip
			} else {
				mutated = append(mutated, '!')
			}
			r.Body = mutated
			if err := s.v.Verify(r, now); err == nil {
				t.Fatalf("%s accepts a mutated body %q (signed %q)", s.name, mutated, body)
			}
			if len(body) > 0 {
				r.Body = body[:len(body)-1]
				if err := s.v.Verify(r, now); err == nil {
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
	std, _ := NewStandardVerifier([]string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("k"))}, time.Minute)
	vs := []Verifier{
		NewGhostVerifier([]string{"g"}, time.Minute), NewWordPressVerifier([]string{"w"}), NewSanityVerifier([]string{"s"}, time.Minute),
		NewContentfulVerifier([]string{"c"}, time.Minute), NewHMACVerifier([]string{"h"}, "X-Sig", "", "base64"), NewTokenVerifier([]string{"tok"}), std,
	}
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		r := req(map[string]string{
			"X-Ghost-Signature": a, "X-WP-Webhook-Signature": b, "Sanity-Webhook-Signature": b,
			"X-Contentful-Signature": a, "X-Contentful-Signed-Headers": c, "X-Contentful-Timestamp": d,
			"X-Sig": c, "Authorization": a, "Webhook-Id": a, "Webhook-Timestamp": d, "Webhook-Signature": c,
		}, "body")
		for _, v := range vs {
			if err := v.Verify(r, now); err == nil {
				t.Fatalf("%T accepted unsigned headers %q %q %q %q", v, a, b, c, d)
			}
		}
	})
}

// Any HTTP trigger event decodes without panicking; a body is never larger
// than the cap; header names are canonical; the same event always gives the
// same headers and the same conflicts, whatever order its map is read in.
func FuzzNewRequest(f *testing.F) {
	files, _ := filepath.Glob("../../events/http-*.json")
	for _, name := range append(files, "../event/testdata/http-template.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"headers":{"X-Hub-Signature-256":"sha256=00","x-hub-signature-256":"sha256=11","X-HUB-SIGNATURE-256":" sha256=00"},"body":"{}"}`))
	f.Add([]byte(`{"headers":{"Webhook-Id":"a","webhook-id":"a","Authorization":"Bearer x","authorization":"Bearer y"}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var ev events.HTTPTriggerEvent
		if json.Unmarshal(payload, &ev) != nil {
			return
		}
		const max = 512
		r, err := NewRequest(&ev, max)
		if err == nil && len(r.Body) > max {
			t.Fatalf("a %d-byte body passed a %d-byte cap", len(r.Body), max)
		}
		for k := range r.Header {
			if k != http.CanonicalHeaderKey(k) {
				t.Fatalf("header %q is not canonical", k)
			}
		}
		again, _ := NewRequest(&ev, max)
		if !reflect.DeepEqual(r.Header, again.Header) || !reflect.DeepEqual(r.conflicts, again.conflicts) {
			t.Fatalf("the same event gave %q %v, then %q %v", r.Header, r.conflicts, again.Header, again.conflicts)
		}
	})
}
