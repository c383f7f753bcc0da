package event

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// An HTTP trigger event reads as plain values: the path from the trigger
// context or rawPath, the query as sent when rawPath has one, the body
// decoded from base64 and capped.
func TestDetectHTTP(t *testing.T) {
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
		{"an escaped body within the cap", `{"rawPath":"/b","body":"\u0068\u0069","requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b", Body: []byte("hi")}, ""},
		{"a body that must be over the cap is not decoded", `{"rawPath":"/b","body":"` + strings.Repeat("x", 60) + `","requestContext":{"http":{"method":"POST"}}}`,
			HTTPRequest{Method: "POST", Path: "/b"}, "larger than 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, derr := Detect([]byte(tt.event), Options{MaxBody: 8})
			if derr != nil || ev.Shape != ShapeHTTP {
				t.Fatalf("Detect: %v, shape %v", derr, ev)
			}
			got, err := ev.HTTP, ev.HTTPErr
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
func FuzzDetectHTTP(f *testing.F) {
	files, _ := filepath.Glob("../../events/http-*.json")
	for _, name := range append(files, "testdata/http-template.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"body":"eHh4eHh4eHh4eHh4","isBase64Encoded":true}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		const max = 512
		ev, err := Detect(payload, Options{MaxBody: max})
		if err != nil || ev.Shape != ShapeHTTP {
			return
		}
		if ev.HTTPErr == nil && len(ev.HTTP.Body) > max {
			t.Fatalf("a %d-byte body passed a %d-byte cap", len(ev.HTTP.Body), max)
		}
	})
}

// An HTTP body over the cap is refused without being copied: reading an
// 8 MiB request with a 1 KiB cap, or a 32 MiB base64 one with a 4 MiB cap
// (a quarter of the encoded size is under the cap's six-fold worst case of
// escapes, but the text holds no escape), allocates a small fraction of it.
func TestOversizedBodyIsNotCopied(t *testing.T) {
	for _, tt := range []struct {
		body string
		b64  bool
		cap  int
	}{
		{strings.Repeat("x", 8<<20), false, 1 << 10},
		{strings.Repeat("QUJD", 8<<20), true, 4 << 20},
	} {
		payload := []byte(`{"version":"v1","rawPath":"/hooks/a","body":"` + tt.body +
			`","isBase64Encoded":` + strconv.FormatBool(tt.b64) + `,"requestContext":{"http":{"method":"POST","path":"/hooks/a"}}}`)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ev, err := Detect(payload, Options{MaxBody: tt.cap})
		runtime.ReadMemStats(&after)
		var tooLarge *TooLarge
		if err != nil || ev.Shape != ShapeHTTP || !errors.As(ev.HTTPErr, &tooLarge) || ev.HTTP.Path != "/hooks/a" {
			t.Fatalf("Detect: %v, %+v", err, ev)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("reading the refused %d-byte request (base64 %v) allocated %d bytes, want under 1 MiB", len(tt.body), tt.b64, n)
		}
	}
}
