package plainjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type inner struct {
	Name string `json:"name"`
}

type doc struct {
	inner
	Count  int      `json:"count"`
	Paths  []string `json:"paths"`
	Items  []inner  `json:"items"`
	On     *bool    `json:"on"`
	Nested struct {
		Inner inner `json:"inner"`
	} `json:"nested"`
}

// Each mismatch names the field by its JSON path (an embedded struct's Go
// name left out) and both kinds in JSON's words; want overrides what a
// field should be.
func TestMismatch(t *testing.T) {
	for _, tt := range []struct {
		body string
		want map[string]string
		says string
	}{
		{`{"name": 5}`, nil, "name: want a string, not a number"},
		{`{"count": "5"}`, nil, "count: want a number, not a string"},
		{`{"count": 1.5}`, nil, "count: want a number, not a number"},
		{`{"paths": "a"}`, nil, "paths: want an array of strings, not a string"},
		{`{"paths": "a"}`, map[string]string{"paths": "a list of URL paths"}, "paths: want a list of URL paths, not a string"},
		{`{"items": {}}`, nil, "items: want an array of objects, not an object"},
		{`{"items": [{"name": []}]}`, nil, "items.name: want a string, not an array"},
		{`{"on": "yes"}`, nil, "on: want true or false, not a string"},
		{`{"nested": {"inner": true}}`, nil, "nested.inner: want an object, not a bool"},
		{`[1]`, nil, "the body: want an object, not an array"},
	} {
		var v doc
		err := json.Unmarshal([]byte(tt.body), &v)
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			t.Fatalf("%s: error %v, want a type mismatch", tt.body, err)
		}
		got := Mismatch(te, &v, tt.want, "the body")
		if got != tt.says {
			t.Errorf("%s: %q, want %q", tt.body, got, tt.says)
		}
		if strings.Contains(got, "plainjson") || strings.Contains(got, "inner") && !strings.Contains(tt.says, "inner") {
			t.Errorf("%s: %q names a Go type", tt.body, got)
		}
	}
}
