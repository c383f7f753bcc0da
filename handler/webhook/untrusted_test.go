package webhook

import (
	"encoding/hex"
	"net/http"
	"os"
	"reflect"
	"testing"
	"time"
)

// An event-type header that the signature does not cover decides nothing:
// Contentful's X-Contentful-Topic unless it is among the signed headers
// (Contentful signs only its timestamp and the list by default), Sanity's
// sanity-operation always (Sanity signs the timestamp and body only). A
// rewritten header can neither turn a publish into a skipped refresh nor
// change what is refreshed.
func TestUnsignedEventHeaders(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	now := time.UnixMilli(1795162530123)
	cfBody := read("contentful/publish.json")
	cfVerify := func(topic string, signTopic bool) (Change, error) {
		r := NewRequest("POST", "/hooks/cf", "", nil, map[string]string{"X-Contentful-Topic": topic}, cfBody)
		names := "x-contentful-signed-headers,x-contentful-timestamp"
		pairs := "x-contentful-signed-headers:" + names + ";x-contentful-timestamp:1795162530123"
		if signTopic {
			names += ",x-contentful-topic"
			pairs = "x-contentful-signed-headers:" + names + ";x-contentful-timestamp:1795162530123;x-contentful-topic:" + topic
		}
		mac := macSHA256([]byte("cf"), []byte("POST\n/hooks/cf\n"+pairs+"\n"), cfBody)
		r.Header.Set("X-Contentful-Signature", hexString(mac))
		r.Header.Set("X-Contentful-Signed-Headers", names)
		r.Header.Set("X-Contentful-Timestamp", "1795162530123")
		p, err := NewContentfulVerifier([]string{"cf"}, time.Minute).Verify(r, now)
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return Parse("contentful", r, p, 10)
	}
	published, _ := cfVerify("ContentManagement.Entry.publish", true)
	for _, tt := range []struct {
		name      string
		topic     string
		signed    bool
		ignored   bool
		sameItems bool
	}{
		{"unsigned publish", "ContentManagement.Entry.publish", false, false, true},
		{"unsigned, rewritten to auto_save", "ContentManagement.Entry.auto_save", false, false, true},
		{"unsigned, rewritten to garbage", "nonsense", false, false, true},
		{"unsigned, rewritten to a content type", "ContentManagement.ContentType.publish", false, false, true},
		{"signed auto_save is trusted", "ContentManagement.Entry.auto_save", true, true, false},
	} {
		t.Run("contentful "+tt.name, func(t *testing.T) {
			ch, err := cfVerify(tt.topic, tt.signed)
			if err != nil {
				t.Fatal(err)
			}
			if (ch.Ignored != "") != tt.ignored {
				t.Errorf("ignored %q, want ignored: %v", ch.Ignored, tt.ignored)
			}
			if tt.sameItems && !reflect.DeepEqual(ch.Items, published.Items) {
				t.Errorf("items %+v, want the signed publish's %+v", ch.Items, published.Items)
			}
		})
	}
	// A body that is no entry or asset is not refreshed, whatever an
	// unsigned topic says.
	if ch, err := ParseContentful([]byte(`{"sys":{"type":"ContentType","id":"article"}}`), http.Header{"X-Contentful-Topic": {"ContentManagement.Entry.publish"}}, Proof{}); err != nil || ch.Ignored == "" {
		t.Errorf("a content type with an unsigned entry topic: %+v %v, want ignored", ch, err)
	}

	sanityBody := read("sanity/update.json")
	plain, err := ParseSanity(sanityBody, http.Header{}, Proof{})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"create", "update", "delete", "nonsense"} {
		t.Run("sanity-operation "+op, func(t *testing.T) {
			ch, err := ParseSanity(sanityBody, http.Header{"Sanity-Operation": {op}}, macProof([]byte{1}, "1"))
			if err != nil || !reflect.DeepEqual(ch, plain) {
				t.Errorf("%+v %v, want what the body alone gives: %+v", ch, err, plain)
			}
		})
	}
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
