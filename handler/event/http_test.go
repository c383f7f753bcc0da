package event

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// An HTTP trigger event reads as plain values: the path from the trigger
// context or rawPath, the query as sent when rawPath has one, the body
// decoded from base64 and capped.
func TestReadHTTP(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  HTTPRequest
		err   string // substring of the error; "" for none
	}{
		{"the trigger's path", `{"rawPath":"/raw?x=1","headers":{"x-a":"1"},"queryParameters":{"x":"1"},"body":"{}",
			"requestContext":{"http":{"method":"post","path":"/hooks/a"}}}`,
			HTTPRequest{Method: "POST", Path: "/hooks/a", RawQuery: "x=1", Query: map[string]string{"x": "1"}, Headers: map[string]string{"x-a": "1"}, Body: []byte("{}")}, ""},
		{"rawPath when the trigger has no path", `{"rawPath":"/hooks/b","body":"hi","requestContext":{"http":{"method":"GET"}}}`,
			HTTPRequest{Method: "GET", Path: "/hooks/b", Body: []byte("hi")}, ""},
		{"a base64 body", `{"rawPath":"/b","body":"aGk=","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b", Body: []byte("hi")}, ""},
		{"a body over the cap", `{"rawPath":"/b","body":"` + strings.Repeat("x", 9) + `","requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b"}, "larger than 8 bytes"},
		{"a base64 body over the cap", `{"rawPath":"/b","body":"` + strings.Repeat("eHh4", 3) + `","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b"}, "larger than 8 bytes"},
		{"not base64", `{"rawPath":"/b","body":"%%%","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b"}, "not base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev events.HTTPTriggerEvent
			if err := json.Unmarshal([]byte(tt.event), &ev); err != nil {
				t.Fatal(err)
			}
			got, err := ReadHTTP(&ev, 8)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.err)
			}
			var tooLarge *TooLarge
			if strings.Contains(tt.err, "larger") != errors.As(err, &tooLarge) {
				t.Errorf("error %v: a *TooLarge only for a body over the cap", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// Any HTTP trigger event reads without panicking, and a body is never
// larger than the cap.
func FuzzReadHTTP(f *testing.F) {
	files, _ := filepath.Glob("../../events/http-*.json")
	for _, name := range append(files, "testdata/http-template.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"body":"eHh4eHh4eHh4eHh4","isBase64Encoded":true}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var ev events.HTTPTriggerEvent
		if json.Unmarshal(payload, &ev) != nil {
			return
		}
		const max = 512
		if r, err := ReadHTTP(&ev, max); err == nil && len(r.Body) > max {
			t.Fatalf("a %d-byte body passed a %d-byte cap", len(r.Body), max)
		}
	})
}
