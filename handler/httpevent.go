package handler

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"vodrefresh/handler/webhook"
)

// httpTriggerEvent is the FC3 HTTP trigger's event.
type httpTriggerEvent struct {
	Version         string            `json:"version"`
	RawPath         string            `json:"rawPath"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	RequestContext  struct {
		RequestID string `json:"requestId"`
		HTTP      struct {
			Method   string `json:"method"`
			Path     string `json:"path"`
			SourceIP string `json:"sourceIp"`
		} `json:"http"`
	} `json:"requestContext"`
}

// errTooLarge is a body over the configured cap.
type errTooLarge struct{ limit int }

func (e errTooLarge) Error() string { return fmt.Sprintf("the body is larger than %d bytes", e.limit) }

// request returns the method, path and webhook request of the event. The
// body is decoded from base64 when the event says so, and capped at max
// bytes; header names are canonicalised.
func (e *httpTriggerEvent) request(max int) (*webhook.Request, error) {
	path := e.RequestContext.HTTP.Path
	if path == "" {
		path = e.RawPath
	}
	r := &webhook.Request{
		Method: strings.ToUpper(e.RequestContext.HTTP.Method),
		Path:   path,
		Header: make(http.Header, len(e.Headers)),
	}
	for k, v := range e.Headers {
		ck := http.CanonicalHeaderKey(k)
		if old := r.Header.Get(ck); old != "" {
			v = old + "," + v
		}
		r.Header.Set(ck, v)
	}
	if len(e.QueryParameters) > 0 {
		q := make([]string, 0, len(e.QueryParameters))
		for k, v := range e.QueryParameters {
			q = append(q, k+"="+v)
		}
		r.RawQuery = strings.Join(q, "&")
	}
	if !e.IsBase64Encoded {
		if len(e.Body) > max {
			return r, errTooLarge{max}
		}
		r.Body = []byte(e.Body)
		return r, nil
	}
	if base64.StdEncoding.DecodedLen(len(e.Body)) > max+3 {
		return r, errTooLarge{max}
	}
	b, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return r, fmt.Errorf("isBase64Encoded is true but the body is not base64: %w", err)
	}
	if len(b) > max {
		return r, errTooLarge{max}
	}
	r.Body = b
	return r, nil
}

// decodeHTTPEvent reads an HTTP trigger event.
func decodeHTTPEvent(payload []byte) (*httpTriggerEvent, error) {
	var e httpTriggerEvent
	if err := json.Unmarshal(payload, &e); err != nil {
		return nil, fmt.Errorf("HTTP trigger event: %w", err)
	}
	return &e, nil
}
