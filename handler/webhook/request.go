package webhook

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
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
// canonicalised, and case variants of one name are joined in a fixed order
// (see joinHeaders). The method and path are set even when there is an
// error.
func NewRequest(ev *events.HTTPTriggerEvent, max int) (*Request, error) {
	r := &Request{
		Method: strings.ToUpper(str(ev.TriggerContext.Http.Method)),
		Path:   RequestPath(ev),
		Header: make(http.Header),
	}
	if ev.Headers != nil {
		r.Header, r.conflicts = joinHeaders(*ev.Headers)
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

// joinHeaders canonicalises header names. Case variants of one name are
// joined with commas in the order of their spelling, so that the result
// does not depend on the order a map is read in; a variant that repeats a
// value already there adds nothing. A name whose variants disagree is in
// conflicts: verification refuses to read it.
func joinHeaders(in map[string]string) (http.Header, map[string]bool) {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := make(http.Header, len(in))
	var conflicts map[string]bool
	for _, k := range keys {
		ck, v := http.CanonicalHeaderKey(k), in[k]
		old, seen := h[ck]
		switch {
		case !seen:
			h[ck] = []string{v}
		case strings.TrimSpace(old[0]) != strings.TrimSpace(v):
			h[ck] = []string{old[0] + "," + v}
			if conflicts == nil {
				conflicts = map[string]bool{}
			}
			conflicts[ck] = true
		}
	}
	return h, conflicts
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
