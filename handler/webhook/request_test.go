package webhook

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Any headers make a request without panicking; header names are
// canonical; the same headers always give the same header values and the
// same conflicts, whatever order their map is read in.
func FuzzNewRequest(f *testing.F) {
	files, _ := filepath.Glob("../../events/http-*.json")
	for _, name := range append(files, "../event/testdata/http-template.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"headers":{"X-Hub-Signature-256":"sha256=00","x-hub-signature-256":"sha256=11","X-HUB-SIGNATURE-256":" sha256=00"},"body":"{}"}`))
	f.Add([]byte(`{"headers":{"Webhook-Id":"a","webhook-id":"a","Authorization":"Bearer x","authorization":"Bearer y"}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var in struct {
			Headers map[string]string `json:"headers"`
			Body    string            `json:"body"`
		}
		if json.Unmarshal(payload, &in) != nil {
			return
		}
		r := NewRequest("post", "/hooks/x", "", nil, in.Headers, []byte(in.Body))
		if r.Method != http.MethodPost || string(r.Body) != in.Body {
			t.Fatalf("method %q, body %q", r.Method, r.Body)
		}
		for k := range r.Header {
			if k != http.CanonicalHeaderKey(k) {
				t.Fatalf("header %q is not canonical", k)
			}
		}
		again := NewRequest("POST", "/hooks/x", "", nil, in.Headers, []byte(in.Body))
		if !reflect.DeepEqual(r.Header, again.Header) || !reflect.DeepEqual(r.conflicts, again.conflicts) {
			t.Fatalf("the same headers gave %q %v, then %q %v", r.Header, r.conflicts, again.Header, again.conflicts)
		}
	})
}
