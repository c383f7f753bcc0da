package event

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"vodrefresh/handler/plainjson"
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

// httpEvent is what is read of an FC3 HTTP trigger event, in one pass.
// The body is left where it is in the payload until its size is known to
// be within the cap, so that an oversized request costs no copy of it.
type httpEvent struct {
	Version         *string           `json:"version"`
	RawPath         *string           `json:"rawPath"`
	Body            jsonText          `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	RequestContext  *struct {
		HTTP *struct {
			Method string `json:"method"`
			Path   string `json:"path"`
		} `json:"http"`
	} `json:"requestContext"`
}

// jsonText is a JSON value as it stands in the payload: a slice of it, not
// a copy. It is valid while the payload is, which outlives the invocation's
// reading of it.
type jsonText []byte

// UnmarshalJSON keeps the value's text.
func (t *jsonText) UnmarshalJSON(b []byte) error {
	*t = b
	return nil
}

// decodeHTTP reads p when it is an FC3 HTTP trigger event: an object with
// a requestContext.http and a version or rawPath. The request's method,
// path, query and headers are always read; the body only when it is
// within max bytes, else HTTPErr is a *TooLarge.
func decodeHTTP(p []byte, max int) (*Event, bool) {
	if p[0] != '{' || !bytes.Contains(p, []byte(`"requestContext"`)) {
		return nil, false
	}
	var ev httpEvent
	if json.Unmarshal(p, &ev) != nil || ev.RequestContext == nil || ev.RequestContext.HTTP == nil ||
		(ev.RawPath == nil && ev.Version == nil) {
		return nil, false
	}
	http := ev.RequestContext.HTTP
	rawPath, rawQuery, _ := strings.Cut(str(ev.RawPath), "?")
	r := &HTTPRequest{Method: strings.ToUpper(http.Method), Path: http.Path, RawQuery: rawQuery,
		Query: ev.QueryParameters, Headers: ev.Headers}
	if r.Path == "" {
		r.Path = rawPath
	}
	var err error
	r.Body, err = httpBody(ev.Body, ev.IsBase64Encoded, max)
	return &Event{Shape: ShapeHTTP, HTTP: r, HTTPErr: err}, true
}

// httpShapeError says why p, which has the keys of an HTTP trigger event,
// is not one: a field of another kind than FC sends (in JSON's words), or
// a missing requestContext.http, version or rawPath.
func httpShapeError(p []byte) error {
	var ev httpEvent
	var te *json.UnmarshalTypeError
	if err := json.Unmarshal(p, &ev); errors.As(err, &te) {
		return fmt.Errorf("%w: an HTTP trigger event: %s", ErrUnknownEvent, plainjson.Mismatch(te, &ev, nil, "the event"))
	}
	return fmt.Errorf("%w: an HTTP trigger event needs requestContext.http and a version or rawPath", ErrUnknownEvent)
}

// maxEscape is the most bytes of JSON text one byte of a string can take
// (\u00XX); a string of n bytes of text holds at least n/maxEscape bytes.
const maxEscape = 6

// httpBody returns the raw body of text, a JSON string or null, decoded
// from base64 when b64 is set. A body that must be larger than max is
// refused before it is decoded.
func httpBody(text jsonText, b64 bool, max int) ([]byte, error) {
	if len(text) == 0 || bytes.Equal(text, []byte("null")) {
		return nil, nil
	}
	// The fewest bytes the string can hold: each escape sequence begins
	// with a backslash and takes at most maxEscape bytes for one byte, so
	// a string with few backslashes (base64 has none) is measured nearly
	// exactly, and one made of escapes no worse than their worst case.
	n := len(text) - 2
	least := n - (maxEscape-1)*bytes.Count(text, []byte{'\\'})
	if least < n/maxEscape {
		least = n / maxEscape
	}
	if b64 {
		least = base64.StdEncoding.DecodedLen(least) - 3
	}
	if least > max {
		return nil, &TooLarge{max}
	}
	var s string
	if !utf8.Valid(text) {
		// Bytes that are not UTF-8 are kept as they came, not turned into
		// U+FFFD, so that the signature is verified on the body as sent;
		// the body is refused once it is verified.
		b, err := unquote(text)
		if err != nil {
			return nil, errors.New("the body is not a JSON string")
		}
		s = string(b)
	} else if err := json.Unmarshal(text, &s); err != nil {
		return nil, errors.New("the body is not a JSON string")
	}
	if !b64 {
		if len(s) > max {
			return nil, &TooLarge{max}
		}
		return []byte(s), nil
	}
	if base64.StdEncoding.DecodedLen(len(s)) > max+3 {
		return nil, &TooLarge{max}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("isBase64Encoded is true but the body is not base64")
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

// unquote decodes the JSON string text t as encoding/json does, except
// that bytes that are not UTF-8 are kept as they are.
func unquote(t []byte) ([]byte, error) {
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return nil, errors.New("not a string")
	}
	t = t[1 : len(t)-1]
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '"' || c < 0x20:
			return nil, errors.New("a control character or quote in a string")
		case c != '\\':
			out = append(out, c)
			continue
		}
		if i++; i >= len(t) {
			return nil, errors.New("a string ends in an escape")
		}
		switch t[i] {
		case '"', '\\', '/':
			out = append(out, t[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(t[i+1:])
			if !ok {
				return nil, errors.New("a bad \\u escape")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(t[min(i+3, len(t)):]); ok && i+2 < len(t) && t[i+1] == '\\' && t[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, errors.New("a bad escape")
		}
	}
	return out, nil
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
