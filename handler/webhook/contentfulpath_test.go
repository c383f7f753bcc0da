package webhook

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

// contentfulVectors are testdata/contentful/signed-query.json: signatures
// computed apart from this package, as node-apps-toolkit computes them
// (see testdata/contentful/README.md).
type contentfulVectors struct {
	Secret    string `json:"secret"`
	Timestamp int64  `json:"timestamp"`
	Body      string `json:"body"`
	Cases     []struct {
		Name       string            `json:"name"`
		Path       string            `json:"path"`
		RawQuery   string            `json:"rawQuery"`
		Query      map[string]string `json:"query"`
		SignedPath string            `json:"signedPath"`
		Headers    map[string]string `json:"headers"`
	} `json:"cases"`
}

// A Contentful webhook URL with a query verifies: the signed path escapes
// the query twice (querystring.escape, then encodeURI), as the toolkit
// does; from the query as sent and, where it can be rebuilt, from FC's map.
func TestContentfulSignedQueryVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/contentful/signed-query.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs contentfulVectors
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	v := NewContentfulVerifier([]string{vs.Secret}, 30*time.Second)
	now := time.UnixMilli(vs.Timestamp)
	for _, c := range vs.Cases {
		t.Run(c.Name, func(t *testing.T) {
			search := c.RawQuery
			if got := signedPath(c.Path, search); got != c.SignedPath {
				t.Errorf("signed path %q, want %q", got, c.SignedPath)
			}
			r := NewRequest("POST", c.Path, c.RawQuery, nil, c.Headers, []byte(vs.Body))
			if _, err := v.Verify(r, now); err != nil {
				t.Errorf("the query as sent: %v", err)
			}
			if c.Query != nil {
				r = NewRequest("POST", c.Path, "", c.Query, c.Headers, []byte(vs.Body))
				if _, err := v.Verify(r, now); err != nil {
					t.Errorf("the query from FC's map: %v", err)
				}
			}
		})
	}
}
