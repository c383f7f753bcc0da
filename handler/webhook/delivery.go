package webhook

import (
	"net/http"
	"strings"
)

// deliveryHeaders carry a sender's delivery ID, in order of preference.
var deliveryHeaders = []string{"Webhook-Id", "Idempotency-Key", "X-Contentful-Idempotency-Key", "X-Github-Delivery"}

// DeliveryID returns the sender's delivery ID, for de-duplication: the
// first of webhook-id, idempotency-key, X-Contentful-Idempotency-Key and
// X-GitHub-Delivery that is set, or "".
func DeliveryID(h http.Header) string {
	for _, k := range deliveryHeaders {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			return v
		}
	}
	return ""
}
