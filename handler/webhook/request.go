package webhook

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// TooLarge is a body over the configured cap.
type TooLarge struct{ Limit int }

func (e *TooLarge) Error() string { return fmt.Sprintf("the body is larger than %d bytes", e.Limit) }

// RequestPath returns the path an HTTP trigger event was sent to.
func RequestPath(ev *events.HTTPTriggerEvent) string {
	if p := str(ev.TriggerContext.Http.Path); p != "" {
		return p
	}
	p, _, _ := strings.Cut(str(ev.RawPath), "?")
	return p
}

// NewRequest returns what verification and parsing read from an HTTP
// trigger event. The body is decoded from base64 when the event says so,
// and capped at max bytes (a *TooLarge error); header names are
// canonicalised. The method and path are set even when there is an error.
func NewRequest(ev *events.HTTPTriggerEvent, max int) (*Request, error) {
	r := &Request{
		Method: strings.ToUpper(str(ev.TriggerContext.Http.Method)),
		Path:   RequestPath(ev),
		Header: make(http.Header),
	}
	if ev.Headers != nil {
		for k, v := range *ev.Headers {
			ck := http.CanonicalHeaderKey(k)
			if old := r.Header.Get(ck); old != "" {
				v = old + "," + v
			}
			r.Header.Set(ck, v)
		}
	}
	if ev.QueryParameters != nil {
		r.Query = *ev.QueryParameters
	}
	if _, q, ok := strings.Cut(str(ev.RawPath), "?"); ok {
		r.RawQuery = q // the query as sent, where the trigger passes one
	}
	body, err := requestBody(str(ev.Body), ev.IsBase64Encoded != nil && *ev.IsBase64Encoded, max)
	r.Body = body
	return r, err
}

// requestBody returns the raw body, decoded from base64 when b64 is set.
func requestBody(body string, b64 bool, max int) ([]byte, error) {
	if !b64 {
		if len(body) > max {
			return nil, &TooLarge{max}
		}
		return []byte(body), nil
	}
	if base64.StdEncoding.DecodedLen(len(body)) > max+3 {
		return nil, &TooLarge{max}
	}
	b, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("isBase64Encoded is true but the body is not base64: %w", err)
	}
	if len(b) > max {
		return nil, &TooLarge{max}
	}
	return b, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
