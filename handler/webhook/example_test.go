package webhook_test

import (
	"errors"
	"fmt"
	"time"

	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// A Ghost route's verifier accepts a request signed with the route's
// secret, with a proof that keys the delivery for de-duplication, and
// refuses one signed with another, with an error that wraps
// ErrUnauthorized and says what failed.
func ExampleNewVerifier() {
	v, err := webhook.NewVerifier(webhook.Auth{Scheme: "ghost", Secrets: []string{"s3cret"}, Window: 5 * time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"post":{"current":{"slug":"hello"}}}`)
	signed := func(secret string) *webhook.Request {
		headers := map[string]string{"Content-Type": "application/json", "X-Ghost-Signature": webhooktest.SignGhost(secret, body, now)}
		return webhook.NewRequest("POST", "/hooks/blog", "", nil, headers, body)
	}

	proof, err := v.Verify(signed("s3cret"), now)
	fmt.Println(err, proof.Key != "")
	_, err = v.Verify(signed("a guess"), now)
	fmt.Println(err)
	fmt.Println(errors.Is(err, webhook.ErrUnauthorized))
	// Output:
	// <nil> true
	// unauthorized: signature does not match
	// true
}
