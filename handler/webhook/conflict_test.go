package webhook_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// When a header the verifier reads comes twice, as two case variants of its
// name with different values, the request is rejected every time, whichever
// variant holds the valid value; the same value twice is accepted.
func TestConflictingSignatureHeaders(t *testing.T) {
	now := time.Unix(1795162530, 0)
	schemes := append(signingSchemes(t, now), signingScheme{"token", webhook.NewTokenVerifier([]string{"tok"}),
		func(r *webhook.Request) { r.Header.Set("Authorization", "Bearer tok") }})
	for _, s := range schemes {
		signed := req(nil, `{"paths":["https://img.example.com/a.png"]}`)
		s.sign(signed)
		for name := range signed.Header {
			for _, junkFirst := range []bool{false, true} {
				checkConflict(t, s, signed, name, junkFirst, now)
			}
		}
	}
}

// checkConflict sends signed with a second, lower-case variant of the
// header name that holds junk (or, with junkFirst, with the valid value
// under the lower-case name and junk under the canonical one), 40 times.
func checkConflict(t *testing.T, s signingScheme, signed *webhook.Request, name string, junkFirst bool, now time.Time) {
	t.Helper()
	valid := signed.Header.Get(name)
	for i := range 40 {
		headers := map[string]string{}
		for k := range signed.Header {
			headers[k] = signed.Header.Get(k)
		}
		headers[name], headers[strings.ToLower(name)] = valid, "junk"+valid[len(valid)/2:]
		if junkFirst {
			headers[name], headers[strings.ToLower(name)] = headers[strings.ToLower(name)], valid
		}
		r := webhook.NewRequest("POST", "/hooks/x", "", nil, headers, signed.Body)
		if _, err := s.v.Verify(r, now); !errors.Is(err, webhook.ErrUnauthorized) || !strings.Contains(err.Error(), "conflicting") {
			t.Fatalf("%s, %s twice (junk first: %v), try %d: %v, want a rejection for conflicting values", s.name, name, junkFirst, i, err)
		}
		headers[name], headers[strings.ToLower(name)] = valid, valid
		r = webhook.NewRequest("POST", "/hooks/x", "", nil, headers, signed.Body)
		if _, err := s.v.Verify(r, now); err != nil {
			t.Fatalf("%s, %s twice with the same value: %v", s.name, name, err)
		}
	}
}

// Two X-Ghost-Signature headers joined into one value, as a proxy, or
// serve for two header lines, joins them: one of them valid, the request
// is refused as conflicting, whichever comes first. Ghost writes one
// signature and one timestamp.
func TestGhostSignaturesJoined(t *testing.T) {
	now := time.Unix(1795162530, 0)
	v := webhook.NewGhostVerifier([]string{"g"}, time.Minute)
	body := []byte(`{"post":{"current":{"id":"1","slug":"a","url":"https://www.example.com/a/","status":"published"}}}`)
	valid := webhooktest.SignGhost("g", body, now)
	other := webhooktest.SignGhost("g", body, now.Add(time.Second)) // valid too, for another second
	for _, joined := range []string{valid + "," + "sha256=" + strings.Repeat("0", 64) + ", t=1795162530000", "sha256=" + strings.Repeat("0", 64) + ", t=1795162530000," + valid, valid + "," + other} {
		r := webhook.NewRequest("POST", "/hooks/ghost", "", nil, map[string]string{"X-Ghost-Signature": joined}, body)
		if _, err := v.Verify(r, now); !errors.Is(err, webhook.ErrUnauthorized) || !strings.Contains(err.Error(), "conflicting") {
			t.Errorf("%q: %v, want a rejection for conflicting values", joined, err)
		}
	}
	r := webhook.NewRequest("POST", "/hooks/ghost", "", nil, map[string]string{"X-Ghost-Signature": valid}, body)
	if _, err := v.Verify(r, now); err != nil {
		t.Errorf("one valid signature: %v", err)
	}
}
