package webhook

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Fields are the template inputs for one item: {slug}, {id}, {model},
// {locale} and {path}. Values are raw text, not URL-encoded; Path is the
// decoded path of a URL the CMS sent. The planner encodes every value by the
// one rule it encodes OSS keys with.
type Fields struct{ Slug, ID, Model, Locale, Path string }

// Change is what a payload asks to refresh.
type Change struct {
	Event      string   // the sender's event name, e.g. "post.published"
	URLs       []string // absolute URLs taken from the payload as sent
	Items      []Fields // inputs for the route's URL templates
	ObjectType string   // "File" or "Directory" when the payload says; "" otherwise
	Ignored    string   // when set: nothing to refresh for this event, and why
}

// BadPayload is a body that cannot be used.
type BadPayload struct {
	Kind     string
	Problems []string // field-level messages, e.g. `paths[2]: "x" is not an absolute http(s) URL`
}

func (e *BadPayload) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("invalid %s payload: %s", e.Kind, e.Problems[0])
	}
	return fmt.Sprintf("invalid %s payload: %d problems", e.Kind, len(e.Problems))
}

func bad(kind string, problems ...string) *BadPayload {
	return &BadPayload{Kind: kind, Problems: problems}
}

// decode reads a JSON object body.
func decode(kind string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return bad(kind, "the body is not the expected JSON: "+err.Error())
	}
	return nil
}

// urlPath returns the decoded path of an absolute http(s) URL, or "" when
// there is none or it holds an encoded '/', which decoding would turn into a
// separator.
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Contains(strings.ToUpper(u.RawPath), "%2F") {
		return ""
	}
	return u.Path
}

// isHTTPURL reports whether s is an absolute http(s) URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// idString renders a JSON ID (string or number) as text.
func idString(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return n.String()
	}
	return ""
}
