package event

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// fixtureTime is the eventTime of the OSS records in testdata.
var fixtureTime = time.Date(2017, 4, 21, 12, 46, 37, 0, time.UTC)

func TestDetect(t *testing.T) {
	tests := []struct {
		file    string
		shape   Shape
		records []ObjectEvent
	}{
		{"oss-template.json", ShapeOSS, []ObjectEvent{{Index: 0, EventName: "ObjectCreated:PutObject", Change: "ObjectCreated", Bucket: "testbucket", Key: "image/a.jpg", RawKey: "image/a.jpg", Time: fixtureTime}}},
		{"eventbridge-envelope.json", ShapeCloudEvents, []ObjectEvent{{Index: 0, EventName: "ObjectCreated:PutObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "videos/a.mp4", RawKey: "videos/a.mp4", Time: fixtureTime}}},
		{"eventbridge-array.json", ShapeCloudEvents, []ObjectEvent{
			{Index: 0, EventName: "ObjectCreated:PostObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "videos/b.mp4", RawKey: "videos/b.mp4", Time: fixtureTime},
			{Index: 1, EventName: "ObjectRemoved:DeleteObject", Change: "ObjectRemoved", Bucket: "media-bucket", Key: "images/c.png", RawKey: "images/c.png", Time: fixtureTime},
		}},
		{"eventbridge-no-eventname.json", ShapeCloudEvents, []ObjectEvent{{Index: 0, EventName: "ObjectModified:UpdateObjectMeta", Change: "ObjectModified", Bucket: "media-bucket", Key: "videos/d.mp4", RawKey: "videos/d.mp4", Time: fixtureTime}}},
		{"eventbridge-raw-record.json", ShapeRawData, []ObjectEvent{{Index: 0, EventName: "ObjectCreated:AppendObject", Change: "ObjectCreated", Bucket: "media-bucket", Key: "videos/e.mp4", RawKey: "videos/e.mp4", Time: fixtureTime}}},
		{"eventbridge-raw-array.json", ShapeRawData, []ObjectEvent{
			{Index: 0, EventName: "ObjectRemoved:DeleteObjects", Change: "ObjectRemoved", Bucket: "media-bucket", Key: "images/f.png", RawKey: "images/f.png", Time: fixtureTime},
			{Index: 1, EventName: "ObjectRemoved:DeleteObjects", Change: "ObjectRemoved", Bucket: "media-bucket", Key: "images/g.png", RawKey: "images/g.png", Time: fixtureTime},
		}},
		{"eventbridge-replication.json", ShapeCloudEvents, []ObjectEvent{
			{Index: 0, EventName: "ObjectReplication:ObjectCreated", Change: "ObjectCreated", Bucket: "media-replica", Key: "videos/r1.mp4", RawKey: "videos/r1.mp4", Time: fixtureTime},
			{Index: 1, EventName: "ObjectReplication:ObjectModified", Change: "ObjectModified", Bucket: "media-replica", Key: "videos/r2.mp4", RawKey: "videos/r2.mp4", Time: fixtureTime},
			{Index: 2, EventName: "ObjectReplication:ObjectRemoved", Change: "ObjectRemoved", Bucket: "media-replica", Key: "images/r3.png", RawKey: "images/r3.png", Time: fixtureTime},
		}},
		{"http-template.json", ShapeHTTP, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := Detect(testfix.Read(t, "testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Shape != tt.shape {
				t.Errorf("shape = %q, want %q", ev.Shape, tt.shape)
			}
			for i := range ev.Records {
				ev.Records[i].ID = "" // TestRecordIDs checks them
			}
			if !reflect.DeepEqual(ev.Records, tt.records) {
				t.Errorf("records = %+v\nwant %+v", ev.Records, tt.records)
			}
			if (ev.HTTP != nil) != (tt.shape == ShapeHTTP) {
				t.Errorf("HTTP = %v for shape %q", ev.HTTP, ev.Shape)
			}
		})
	}
}

func TestDetectErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error
	}{
		{"malformed.json", []string{"malformed JSON"}},
		{"unknown-shape.json", []string{"unrecognised event", "top-level keys: Records"}},
		{"scalar.json", []string{"not a JSON object or array"}},
		{"empty.json", []string{"empty"}},
		{"empty-array.json", []string{"empty array"}},
		{"events-not-array.json", []string{"unrecognised event", "events: want an array of objects, not a string"}},
		{"oss-bucket-name-number.json", []string{"events.oss.bucket.name: want a string, not a number"}},
		{"oss-eventname-number.json", []string{"events.eventName: want a string, not a number"}},
		{"eventbridge-data-string.json", []string{"data: want an object, not a string"}},
		{"mns-id-number.json", []string{"messageId: want a string, not a number"}},
		{"array-of-numbers.json", []string{"the event: want an object, not a number"}},
		{"http-headers-number.json", []string{"an HTTP trigger event: headers: want an object, not a number"}},
		{"eventbridge-ecs.json", []string{`source "acs.ecs"`, "only acs.oss"}},
		{"oss-no-key.json", []string{"record 1", "missing oss.object.key"}},
		{"oss-no-bucket.json", []string{"record 0", "missing oss.bucket.name"}},
		{"oss-empty-key.json", []string{"missing oss.object.key"}},
		{"oss-null-bucket.json", []string{"record 0", "missing oss.bucket.name"}},
		{"oss-empty-bucket-name.json", []string{"record 0", "missing oss.bucket.name"}},
		{"oss-null-object.json", []string{"record 0", "missing oss.object.key"}},
		{"array-with-native.json", []string{"element 0", "not an OSS trigger event"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := Detect(testfix.Read(t, "testdata", tt.file), Options{})
			if err == nil {
				t.Fatalf("no error; event %+v", ev)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), "malformed") && !errors.Is(err, ErrUnknownEvent) {
				t.Errorf("error %q does not wrap ErrUnknownEvent", err)
			}
			if goWords.MatchString(err.Error()) {
				t.Errorf("error %q names a Go type", err)
			}
		})
	}
}

// goWords matches what the JSON decoder's own errors say of the Go types
// they decode into.
var goWords = regexp.MustCompile(`Go (struct|value)|of type|\[\][a-z]|[a-z]\.[a-z]+Record|json: `)

// Every OSS event type that EventBridge lists ("OSS events",
// shared/FACTS.md) is classified: the ones that change a served object by
// the kind of change, the others with a reason.
func TestChange(t *testing.T) {
	var table struct {
		Types []struct{ Name, Change, Reason string }
	}
	if err := json.Unmarshal(testfix.Read(t, "testdata", "oss-event-types.json"), &table); err != nil {
		t.Fatal(err)
	}
	if len(table.Types) < 17 {
		t.Fatalf("%d event types in the table", len(table.Types))
	}
	for _, tt := range table.Types {
		got, why := Classify(tt.Name)
		if got != tt.Change {
			t.Errorf("Classify(%q) = %q, want %q", tt.Name, got, tt.Change)
		}
		if (why == "") != (tt.Reason == "") || !strings.Contains(why, tt.Reason) || (why != "" && !strings.Contains(why, tt.Name)) {
			t.Errorf("Classify(%q) says %q, want it to mention %q", tt.Name, why, tt.Reason)
		}
	}
}
