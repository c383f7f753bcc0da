package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"vodrefresh/handler/change"
	"vodrefresh/handler/plainjson"
)

// Change is what a payload asks to refresh, in the neutral form that
// planning reads (change.Change).
type Change = change.Change

// Fields are the template inputs of one item of a Change (change.Fields).
type Fields = change.Fields

// terms returns one Fields per tag, category and author, each with the
// item's other fields, for the route's related templates.
func terms(item Fields, tags, categories, authors []string) []Fields {
	var out []Fields
	for _, t := range []struct {
		values []string
		set    func(*Fields, string)
	}{
		{tags, func(f *Fields, v string) { f.Tag = v }},
		{categories, func(f *Fields, v string) { f.Category = v }},
		{authors, func(f *Fields, v string) { f.Author = v }},
	} {
		for _, v := range t.values {
			if v == "" {
				continue
			}
			f := item
			f.Fallback = ""
			t.set(&f, v)
			out = append(out, f)
		}
	}
	return out
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
		return bad(kind, jsonProblem(err, v, nil))
	}
	return nil
}

// jsonProblem says in plain words what is wrong with a body that did not
// decode: which field, and what it should be, never a Go type
// (plainjson.Mismatch). want names what some fields should be, by their
// JSON path ("paths"); v is what the body was decoded into.
func jsonProblem(err error, v any, want map[string]string) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return plainjson.Mismatch(te, v, want, "the body")
	case errors.As(err, &se):
		return fmt.Sprintf("the body is not valid JSON (at byte %d)", se.Offset)
	case errors.Is(err, io.EOF):
		return "the body is empty: want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is not valid JSON: it ends too soon"
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(name, `"`) + ": unknown field"
	}
	return "the body is not the expected JSON"
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
