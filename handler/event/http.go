package event

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// HTTPRequest is the request an HTTP trigger event carries, in plain
// values: what FC's pointers and encodings leave once read.
type HTTPRequest struct {
	Method string // upper case, e.g. "POST"
	Path   string // the request path, without the query
	// RawQuery is the query as sent, without "?", when the trigger passes
	// it (in rawPath); else "".
	RawQuery string
	// Query is the query as the trigger passes it: a map, which has lost
	// the order and the escaping of the query as sent.
	Query map[string]string
	// Headers are as the trigger passes them: names in any case, and one
	// name possibly in several case variants.
	Headers map[string]string
	Body    []byte // the raw body, decoded from base64 when the event says it is encoded
}

// TooLarge is a body over the configured cap.
type TooLarge struct{ Limit int }

// Error says the cap.
func (e *TooLarge) Error() string { return fmt.Sprintf("the body is larger than %d bytes", e.Limit) }

// ReadHTTP returns the request an HTTP trigger event carries. The body is
// decoded from base64 when the event says so, and capped at max bytes (a
// *TooLarge error). The method and path are set even when there is an
// error.
func ReadHTTP(ev *events.HTTPTriggerEvent, max int) (*HTTPRequest, error) {
	rawPath, rawQuery, _ := strings.Cut(str(ev.RawPath), "?")
	r := &HTTPRequest{Method: strings.ToUpper(str(ev.TriggerContext.Http.Method)), Path: str(ev.TriggerContext.Http.Path), RawQuery: rawQuery}
	if r.Path == "" {
		r.Path = rawPath
	}
	if ev.QueryParameters != nil {
		r.Query = *ev.QueryParameters
	}
	if ev.Headers != nil {
		r.Headers = *ev.Headers
	}
	var err error
	r.Body, err = httpBody(str(ev.Body), ev.IsBase64Encoded != nil && *ev.IsBase64Encoded, max)
	return r, err
}

// httpBody returns the raw body, decoded from base64 when b64 is set.
func httpBody(body string, b64 bool, max int) ([]byte, error) {
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
