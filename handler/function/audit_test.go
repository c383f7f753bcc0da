package function

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
)

// The causes of a path name the records and VOD notifications of the
// invocation's event that asked for it, an identity it did not decode by
// a hash, and the event's shape when no identity asked; never more than
// maxAuditCauses.
func TestCausesOf(t *testing.T) {
	ev := &event.Event{
		Shape: event.ShapeMNS,
		Records: []event.ObjectEvent{
			{ID: "mns:m1", Bucket: "media-bucket", Key: "images/a.jpg"},
			{Bucket: "media-bucket", Key: "images/no-id.jpg"},
			{ID: "mns:m2", Bucket: "other", Key: "b c.jpg"},
		},
		VOD: []event.VODMessage{{MessageID: "m3"}},
	}
	// Twelve identities the event does not hold, and their names: the
	// first 16 hex digits of the SHA-256 of each.
	many := make([]string, 12)
	for i := range many {
		many[i] = fmt.Sprintf("backlog-%d", i+1)
	}
	hashed := []string{"event 23f8f52a79e0c783", "event b9e245e27ba02d41", "event 328fd10a34f90fbd", "event 5c6972bce3da17da",
		"event e310aaee0a7e7a6c", "event ba0fa6330b5195cb", "event 198a5fd7abe0f732", "event 01b730114509d464",
		"event eb492fcb4cfdca86", "event fa1abf9f0df17ac7", "event 1d4c1ebbc4b31c81", "event 8d925fb4a0f23341"}
	c := objectCauses(ev)
	for _, tt := range []struct {
		name    string
		origins []string
		want    []string
	}{
		{"a record", []string{"mns:m1"}, []string{"oss:media-bucket/images/a.jpg"}},
		{"two records", []string{"mns:m2", "mns:m1"}, []string{"oss:other/b c.jpg", "oss:media-bucket/images/a.jpg"}},
		{"a VOD notification", []string{"mns:m3"}, []string{"vod:mns:m3"}},
		{"an identity the event does not hold", []string{"backlog-1"}, hashed[:1]},
		{"no identity", nil, []string{"mns"}},
		{"more than a line names", append([]string{"mns:m3"}, many...), append([]string{"vod:mns:m3"}, hashed[:maxAuditCauses-1]...)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan := &refresh.Plan{Origins: map[string][]string{"https://img.example.com/p.jpg": tt.origins}}
			if got := c.of(plan, "https://img.example.com/p.jpg"); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("causes %q, want %q", got, tt.want)
			}
		})
	}
}

// When a record's change was made is the record's time, found by its
// identity; zero for an identity with no time, a VOD notification's or
// one the event does not hold.
func TestCausesChanged(t *testing.T) {
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	c := objectCauses(&event.Event{
		Records: []event.ObjectEvent{{ID: "mns:m1", Time: at}, {ID: "mns:m2"}, {Key: "no identity", Time: at}},
		VOD:     []event.VODMessage{{MessageID: "m3"}},
	})
	for id, want := range map[string]time.Time{"mns:m1": at, "mns:m2": {}, "mns:m3": {}, "": {}, "other": {}} {
		if got := c.changed(id); !got.Equal(want) {
			t.Errorf("changed(%q) = %v, want %v", id, got, want)
		}
	}
}
