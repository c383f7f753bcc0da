package webhook_test

import (
	"fmt"
	"time"

	"vodrefresh/handler/webhook"
)

// A vod route's verifier checks VOD's X-VOD-SIGNATURE, the MD5 of the
// callback URL as configured in VOD, the timestamp and the AuthKey. The
// body is not signed: the proof covers the timestamp, not the body.
func ExampleNewVODVerifier() {
	callback := "https://hooks.example.com/hooks/vod"
	v := webhook.NewVODVerifier([]string{"AuthKey123"}, callback, 5*time.Minute)
	now := time.Unix(1795162530, 0)
	headers := map[string]string{
		"Host":            "hooks.example.com",
		"X-VOD-TIMESTAMP": "1795162530",
		"X-VOD-SIGNATURE": webhook.VODSignature(callback, "1795162530", "AuthKey123"),
	}
	body := []byte(`{"EventType":"DeleteMediaComplete","MediaId":"4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d","MediaType":"video","DeleteType":"all","Status":"success"}`)
	proof, err := v.Verify(webhook.NewRequest("POST", "/hooks/vod", "", nil, headers, body), now)
	fmt.Println(err, proof.Key != "", proof.Covers("X-VOD-TIMESTAMP"))

	headers["X-VOD-SIGNATURE"] = webhook.VODSignature(callback, "1795162530", "a guess")
	_, err = v.Verify(webhook.NewRequest("POST", "/hooks/vod", "", nil, headers, body), now)
	fmt.Println(err)
	// Output:
	// <nil> true true
	// unauthorized: signature does not match (signed URL https://hooks.example.com/hooks/vod)
}
