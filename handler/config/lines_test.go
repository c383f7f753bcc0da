package config

import (
	"os"
	"testing"
)

// A problem named by its field's path gets the line that field is on.
func TestWithLines(t *testing.T) {
	doc, err := os.ReadFile("testdata/lines.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ problem, want string }{
		{"batch.files: must be at least 1", "batch.files: must be at least 1 (line 13)"},
		{"oss[0].urls[0]: template has ${key}", "oss[0].urls[0]: template has ${key} (line 6)"},
		{"oss[1].urls[1]: unclosed '{'", "oss[1].urls[1]: unclosed '{' (line 11)"},
		{"oss[1]: no urls", "oss[1]: no urls (line 7)"},
		{"domains: unknown field (line 1)", "domains: unknown field (line 1)"},         // names its line already
		{"oss[5].urls[0]: out of the document", "oss[5].urls[0]: out of the document"}, // no such element
		{"webhooks[0].path: missing", "webhooks[0].path: missing"},                     // no such field
		{"the document is odd", "the document is odd"},                                 // no path
	} {
		got := WithLines(doc, &Error{Problems: []string{tt.problem}}).Problems[0]
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.problem, got, tt.want)
		}
	}
}
