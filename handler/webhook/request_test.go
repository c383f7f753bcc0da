package webhook

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"
)

// Any HTTP trigger event decodes without panicking; a body is never larger
// than the cap; header names are canonical; the same event always gives the
// same headers and the same conflicts, whatever order its map is read in.
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
		var ev events.HTTPTriggerEvent
		if json.Unmarshal(payload, &ev) != nil {
			return
		}
		const max = 512
		r, err := NewRequest(&ev, max)
		if err == nil && len(r.Body) > max {
			t.Fatalf("a %d-byte body passed a %d-byte cap", len(r.Body), max)
		}
		for k := range r.Header {
			if k != http.CanonicalHeaderKey(k) {
				t.Fatalf("header %q is not canonical", k)
			}
		}
		again, _ := NewRequest(&ev, max)
		if !reflect.DeepEqual(r.Header, again.Header) || !reflect.DeepEqual(r.conflicts, again.conflicts) {
			t.Fatalf("the same event gave %q %v, then %q %v", r.Header, r.conflicts, again.Header, again.conflicts)
		}
	})
}
