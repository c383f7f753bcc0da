package event

import (
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "a%20b.mp4", want: "a b.mp4"},
		{in: "a+b.mp4", want: "a+b.mp4"},
		{in: "%E6%96%B0.mp4", want: "新.mp4"},
		{in: "50%25", want: "50%"},
		{in: "50%2", bad: true},
		{in: "%zz", bad: true},
	}
	for _, tt := range tests {
		got, err := DecodeKey(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("DecodeKey(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DecodeKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// With keyEncoding: url, the keys of records that change an object are
// decoded once, when the event is read; the key as received is kept.
func TestDetectDecodesKeys(t *testing.T) {
	ev, err := Detect(testfix.Read(t, "testdata", "oss-encoded-key.json"), Options{URLEncodedKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []ObjectEvent{{Index: 0, EventName: "ObjectCreated:PutObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "images/a b+c新.png", RawKey: "images/a%20b+c%E6%96%B0.png"}}
	if !reflect.DeepEqual(ev.Records, want) {
		t.Errorf("records = %+v\nwant %+v", ev.Records, want)
	}
	// Raw by default: the same key names an object whose name holds "%20".
	ev, err = Detect(testfix.Read(t, "testdata", "oss-encoded-key.json"), Options{})
	if err != nil || ev.Records[0].Key != "images/a%20b+c%E6%96%B0.png" {
		t.Errorf("raw: %+v, %v", ev, err)
	}
	_, err = Detect(testfix.Read(t, "testdata", "oss-bad-escape.json"), Options{URLEncodedKeys: true})
	if err == nil || !strings.Contains(err.Error(), "record 1") || !strings.Contains(err.Error(), "keyEncoding is url") {
		t.Errorf("bad escape: error %v", err)
	}
}
