package event

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// mnsWant is what the three messages of mns-batch.json hold, in order: an
// EventBridge CloudEvent as JSON text, a base64 native notification of two
// records, and a native notification as JSON text.
// mnsTime is the eventTime of the OSS records in the MNS fixtures.
var mnsTime = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

var mnsWant = []ObjectEvent{
	{Index: 0, EventName: "ObjectCreated:PutObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "videos/s2/ep01/720p/index.m3u8", RawKey: "videos/s2/ep01/720p/index.m3u8", ID: "mns:M-0001", Message: "M-0001", Time: mnsTime},
	{Index: 1, EventName: "ObjectRemoved:DeleteObjects", Change: "ObjectRemoved", Bucket: "media-bucket", Key: "images/old/a.png", RawKey: "images/old/a.png", ID: "mns:M-0002#0", Message: "M-0002", Time: mnsTime},
	{Index: 2, EventName: "ObjectRemoved:DeleteObjects", Change: "ObjectRemoved", Bucket: "media-bucket", Key: "images/old/b.png", RawKey: "images/old/b.png", ID: "mns:M-0002#1", Message: "M-0002", Time: mnsTime},
	{Index: 3, EventName: "ObjectCreated:PutObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "images/covers/c1.jpg", RawKey: "images/covers/c1.jpg", ID: "mns:M-0003", Message: "M-0003", Time: mnsTime},
}

func TestDetectMNS(t *testing.T) {
	for file, shape := range map[string]Shape{"mns-batch.json": ShapeMNS, "mns-raw.json": ShapeMNSRaw} {
		ev, err := Detect(testfix.Read(t, "testdata", file), Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if ev.Shape != shape || len(ev.Rejected) != 0 {
			t.Errorf("%s: shape %q, rejected %+v", file, ev.Shape, ev.Rejected)
		}
		if !reflect.DeepEqual(ev.Records, mnsWant) {
			t.Errorf("%s: records\n%+v\nwant\n%+v", file, ev.Records, mnsWant)
		}
	}
}

// A message that cannot be read is rejected by its ID; the messages around
// it are read all the same.
func TestDetectMNSRejects(t *testing.T) {
	ev, err := Detect(testfix.Read(t, "testdata", "mns-bad.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range ev.Records {
		keys = append(keys, r.Key)
	}
	if want := []string{"images/covers/c2.jpg", "images/covers/c3.jpg"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("records %q, want %q", keys, want)
	}
	why := map[string]string{
		"M-0102": "malformed JSON",
		"M-0103": "neither JSON nor base64",
		"M-0104": "unrecognised event",
		"M-0105": "base64, but not of JSON",
	}
	if len(ev.Rejected) != len(why) {
		t.Fatalf("rejected %+v", ev.Rejected)
	}
	for _, rj := range ev.Rejected {
		if !strings.Contains(rj.Err.Error(), why[rj.MessageID]) {
			t.Errorf("message %s: %v, want %q", rj.MessageID, rj.Err, why[rj.MessageID])
		}
	}
	err = ev.Unread
	if err == nil || !errors.Is(err, ErrUnknownEvent) {
		t.Fatalf("Unread = %v", err)
	}
	for id := range why {
		if !strings.Contains(err.Error(), "message "+id) {
			t.Errorf("%q does not name %s", err, id)
		}
	}
}

// A message inside a message is refused: bodies hold OSS events only.
func TestDetectMNSNested(t *testing.T) {
	ev, err := Detect(testfix.Read(t, "testdata", "mns-nested.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Records) != 0 || len(ev.Rejected) != 1 || ev.Rejected[0].MessageID != "M-0201" {
		t.Errorf("records %+v, rejected %+v", ev.Records, ev.Rejected)
	}
}

// Each delivery of a change names it the same way.
func TestRecordIDs(t *testing.T) {
	tests := map[string][]string{
		"oss-template.json":         {"oss:58F9FF2D3DF792092E12044C\nObjectCreated:PutObject\ntestbucket\nimage/a.jpg\n688A7BF4F233DC9C88A80BF985AB7329"},
		"eventbridge-envelope.json": {"eventbridge:"},
	}
	for file, want := range tests {
		ev, err := Detect(testfix.Read(t, "testdata", file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if !strings.HasPrefix(ev.Records[i].ID, w) || ev.Records[i].ID == "eventbridge:" {
				t.Errorf("%s: record %d ID %q, want %q...", file, i, ev.Records[i].ID, w)
			}
		}
	}
}
