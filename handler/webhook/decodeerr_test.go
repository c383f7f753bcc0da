package webhook_test

import (
	"net/http"
	"strings"
	"testing"

	"vodrefresh/handler/webhook"
)

// A payload that does not decode is answered in plain words: the field and
// what it should be, never a Go type or struct name.
func TestDecodeErrorsInPlainWords(t *testing.T) {
	for _, tt := range []struct {
		kind, body, want string
	}{
		{"generic", `{"paths":"nope"}`, "paths: want an array of URL strings, not a string"},
		{"generic", `{"paths":[1]}`, "paths: want an array of URL strings, not a number"},
		{"generic", `{"objectType":["File"]}`, `objectType: want "File" or "Directory", not an array`},
		{"generic", `{"paths":["https://a.example/"],"x":1}`, "x: unknown field"},
		{"generic", `{"paths":`, "ends too soon"},
		{"generic", ``, "the body is empty"},
		{"ghost", `{"post":[]}`, "post: want an object, not an array"},
		{"ghost", `{"post":{"current":{"url":7}}}`, "post.current.url: want a string, not a number"},
		{"ghost", `{"post":{"current":{"tags":{}}}}`, "post.current.tags: want an array of objects, not an object"},
		{"wordpress", `{"post":"x"}`, "post: want an object, not a string"},
		{"wordpress", `{"post_permalink":["a"]}`, "post_permalink: want a string, not an array"},
		{"strapi", `{"entry":{"slug":{}}}`, "entry.slug: want a string, not an object"},
		{"strapi", `{"media":{"formats":[]}}`, "media.formats: want an object, not an array"},
		{"contentful", `{"fields":{"slug":[]}}`, "fields.slug: want an object, not an array"},
		{"contentful", `{"sys":{"id":1}}`, "sys.id: want a string, not a number"},
		{"sanity", `{"_id":{}}`, "_id: want a string, not an object"},
		{"sanity", `[1]`, "the body: want an object, not an array"},
		{"sanity", `{"a":}`, "not valid JSON (at byte 6)"},
	} {
		t.Run(tt.kind+" "+tt.body, func(t *testing.T) {
			r := webhook.NewRequest("POST", "/hooks/x", "", nil, map[string]string{"X-Contentful-Topic": "ContentManagement.Entry.publish"}, []byte(tt.body))
			r.Header = http.Header{"X-Contentful-Topic": {"ContentManagement.Entry.publish"}}
			_, err := webhook.Parse(tt.kind, r, webhook.Proof{}, 10)
			if err == nil {
				t.Fatal("no error")
			}
			var text strings.Builder
			text.WriteString(err.Error())
			if bp, ok := err.(*webhook.BadPayload); ok {
				text.WriteString(strings.Join(bp.Problems, "\n"))
			}
			for _, leak := range []string{"Go struct", "Go value", "genericPayload", "[]string", "map[", "json:", "webhook."} {
				if strings.Contains(text.String(), leak) {
					t.Errorf("%q names %q", text.String(), leak)
				}
			}
			if !strings.Contains(text.String(), tt.want) {
				t.Errorf("%q lacks %q", text.String(), tt.want)
			}
		})
	}
}
