package event

import (
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// An FC destination record, read from the queue its onFailure destination
// feeds or received directly, gives the failed invocation's records with
// the identity they had then, so that the retry memory knows what its
// attempts submitted. A record nested in another is refused, and only its
// message is.
func TestDestinationRecords(t *testing.T) {
	original, err := Detect(testfix.Read(t, "testdata", "oss-flood-0001.json"), Options{})
	if err != nil || len(original.Records) != 1 {
		t.Fatalf("the original event: %v", err)
	}
	want := original.Records[0]
	if want.ID == "" || !want.Time.Equal(time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("the original record has ID %q and time %s", want.ID, want.Time)
	}
	for _, tt := range []struct {
		file     string
		shape    Shape
		message  string
		rejected []string
	}{
		{"fc-destination.json", ShapeDestination, "", nil},
		{"mns-destination.json", ShapeMNSRaw, "D-0001", []string{"D-0002"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := Detect(testfix.Read(t, "testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Shape != tt.shape || len(ev.Records) != 1 {
				t.Fatalf("shape %q, %d records; want %q, 1", ev.Shape, len(ev.Records), tt.shape)
			}
			got := ev.Records[0]
			if got.ID != want.ID || got.Key != want.Key || !got.Time.Equal(want.Time) || got.Message != tt.message {
				t.Errorf("record %+v\nwant the original %+v from message %q", got, want, tt.message)
			}
			var rejected []string
			for _, rj := range ev.Rejected {
				rejected = append(rejected, rj.MessageID)
				if !strings.Contains(rj.Err.Error(), "inside another") {
					t.Errorf("message %s: %v", rj.MessageID, rj.Err)
				}
			}
			if strings.Join(rejected, ",") != strings.Join(tt.rejected, ",") {
				t.Errorf("rejected %v, want %v", rejected, tt.rejected)
			}
		})
	}
}

// A destination record of a failed queue batch gives back the VOD event
// notifications its messages held, each under its own message ID, as the
// batch gave them the first time.
func TestDestinationRecordOfVODMessages(t *testing.T) {
	ev, err := Detect(testfix.Read(t, "testdata", "fc-destination-vod.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Shape != ShapeDestination || len(ev.Records) != 0 || len(ev.Rejected) != 0 || len(ev.VOD) != 1 {
		t.Fatalf("shape %q, %d records, %d rejected, %d VOD messages; want %q and one VOD message", ev.Shape, len(ev.Records), len(ev.Rejected), len(ev.VOD), ShapeDestination)
	}
	if m := ev.VOD[0]; m.MessageID != "V-0001" || !strings.Contains(string(m.Body), `"EventType":"DeleteMediaComplete"`) {
		t.Errorf("VOD message %s: %s", m.MessageID, m.Body)
	}
}
