package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// Every problem of a document is named by its path, never by a Go type,
// and the problems come in the same order every time: the document's
// shape in document order, the values in the order of the fields.
func TestProblemsByPathInStableOrder(t *testing.T) {
	for file, want := range map[string][]string{
		"typo-object-type.yaml": {"oss[1].objectTyp: unknown field; did you mean objectType? (line 8)"},
		"wrong-shapes.yaml": {
			`domains: must be a list, not "https://video.example.com" (line 1)`,
			`allowRootDirectory: must be true or false, not "yes please" (line 2)`,
			`Batch: unknown field; did you mean batch? (line 3)`,
			`batch.files: must be a whole number, not "lots" (line 6)`,
			`oss: must be a list, not a mapping (line 8)`,
			`http.budget: must be a duration such as 1.5s, 5m or 24h, not "2 seconds" (line 10)`,
			`http.maxBodyBytes: must be a whole number, not a list (line 11)`,
			`colour: unknown field; the fields here are domains, keyEncoding, allowRootDirectory, batch, oss, webhooks, http, quota, notify (line 12)`,
			`quota.maxUrlShare: must be a number, not "half" (line 14)`,
			`quota.denseFolder: must be a whole number, not "1.5" (line 15)`,
		},
		"invalid-values.yaml": {
			`domains[0]: "ftp://video.example.com" is not a CDN base of the form https://host[:port]: scheme must be http or https, got "ftp"`,
			`keyEncoding: must be one of raw, url (got "base64")`,
			`batch.files: must be at most 1000 (got 5000)`,
			`oss[0].bucket: "Media_Bucket" is not an OSS bucket name (3-63 lower-case letters, digits and hyphens)`,
			`oss[0].urls: needs at least 1 entries`,
			`oss[0].objectType: must be one of File, Directory (got "Regex")`,
			`webhooks[0].path: must start with "/"`,
			`webhooks[0].secretEnv: "BLOG SECRET" is not an environment variable name`,
		},
	} {
		t.Run(file, func(t *testing.T) {
			doc := testfix.Read(t, "testdata", "config", file)
			for range 20 {
				_, err := Parse(doc)
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatalf("error %v, want an *Error", err)
				}
				if !reflect.DeepEqual(ce.Problems, want) {
					t.Fatalf("problems\n  %s\nwant\n  %s", strings.Join(ce.Problems, "\n  "), strings.Join(want, "\n  "))
				}
				if strings.Contains(err.Error(), "config.") || strings.Contains(err.Error(), "[]string") {
					t.Fatalf("the error shows a Go type: %v", err)
				}
			}
		})
	}
}
