package handler

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseOSSEvent(t *testing.T) {
	tests := []struct {
		file    string
		shape   string
		records []ObjectEvent
	}{
		{"oss-template.json", ShapeOSS, []ObjectEvent{{0, "ObjectCreated:PutObject", "testbucket", "image/a.jpg"}}},
		{"eventbridge-envelope.json", ShapeCloudEvents, []ObjectEvent{{0, "ObjectCreated:PutObject", "media-bucket", "videos/a.mp4"}}},
		{"eventbridge-array.json", ShapeCloudEvents, []ObjectEvent{
			{0, "ObjectCreated:PostObject", "media-bucket", "videos/b.mp4"},
			{1, "ObjectRemoved:DeleteObject", "media-bucket", "images/c.png"},
		}},
		{"eventbridge-no-eventname.json", ShapeCloudEvents, []ObjectEvent{{0, "ObjectModified:UpdateObjectMeta", "media-bucket", "videos/d.mp4"}}},
		{"eventbridge-raw-record.json", ShapeRawData, []ObjectEvent{{0, "ObjectCreated:AppendObject", "media-bucket", "videos/e.mp4"}}},
		{"eventbridge-raw-array.json", ShapeRawData, []ObjectEvent{
			{0, "ObjectRemoved:DeleteObjects", "media-bucket", "images/f.png"},
			{1, "ObjectRemoved:DeleteObjects", "media-bucket", "images/g.png"},
		}},
		{"http-template.json", ShapeHTTP, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			shape, records, err := ParseOSSEvent(readFixture(t, "events/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if shape != tt.shape {
				t.Errorf("shape = %q, want %q", shape, tt.shape)
			}
			if !reflect.DeepEqual(records, tt.records) {
				t.Errorf("records = %+v\nwant %+v", records, tt.records)
			}
		})
	}
}

func TestParseOSSEventErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error
	}{
		{"malformed.json", []string{"malformed JSON"}},
		{"unknown-shape.json", []string{"unrecognised event", "top-level keys: Records"}},
		{"scalar.json", []string{"not a JSON object or array"}},
		{"empty.json", []string{"empty"}},
		{"empty-array.json", []string{"empty array"}},
		{"events-not-array.json", []string{"unrecognised event", "events"}},
		{"eventbridge-ecs.json", []string{`source "acs.ecs"`, "only acs.oss"}},
		{"oss-no-key.json", []string{"record 1", "missing oss.object.key"}},
		{"oss-no-bucket.json", []string{"record 0", "missing oss.bucket.name"}},
		{"oss-empty-key.json", []string{"missing oss.object.key"}},
		{"array-with-native.json", []string{"element 0", "not an OSS trigger event"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			shape, records, err := ParseOSSEvent(readFixture(t, "events/"+tt.file))
			if err == nil {
				t.Fatalf("no error; shape %q, records %+v", shape, records)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), "malformed") && !errors.Is(err, ErrUnknownEvent) {
				t.Errorf("error %q does not wrap ErrUnknownEvent", err)
			}
		})
	}
}

func TestChange(t *testing.T) {
	tests := map[string]string{
		"ObjectCreated:PutObject":               ChangeCreated,
		"ObjectCreated:CompleteMultipartUpload": ChangeCreated,
		"ObjectRemoved:DeleteObjects":           ChangeRemoved,
		"ObjectModified:UpdateObjectMeta":       ChangeModified,
		"ObjectDownloaded:GetObject":            "",
		"ObjectReplication:ObjectCreated":       "",
		"ObjectCreatedPutObject":                "",
	}
	for name, want := range tests {
		if got := (ObjectEvent{EventName: name}).Change(); got != want {
			t.Errorf("Change(%q) = %q, want %q", name, got, want)
		}
	}
}
