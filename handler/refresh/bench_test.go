package refresh

import (
	"context"
	"fmt"
	"testing"

	"vodrefresh/handler/event"
)

// dailyRoom is the whole of a day's refresh quota, as VOD grants it.
var dailyRoom = Room{URLs: 2000, Dirs: 100}

// prepareOSS plans recs with nothing remembered and fits the plan to
// room, as one OSS event's pipeline does; fits counts the fitting.
func prepareOSS(ctx context.Context, pl *Planner, recs []event.ObjectEvent, room Room, fits *int) (*Fitted, error) {
	p, err := pl.Plan(ctx, Input{Records: recs}, nil)
	if err != nil {
		return &Fitted{Plan: p}, err
	}
	if fits != nil {
		*fits++
	}
	return pl.Fit(ctx, p, room)
}

// onePerFolder is n image uploads, each in a folder of its own, the
// folders spread over ten shelves: images/shelf-<i%10>/set-<i>/photo.jpg.
func onePerFolder(n int) []event.ObjectEvent {
	recs := make([]event.ObjectEvent, n)
	for i := range recs {
		recs[i] = put(i, "media-bucket", fmt.Sprintf("images/shelf-%d/set-%d/photo.jpg", i%10, i))
	}
	return recs
}

// oneUpload is n image uploads, each in a folder of its own inside one
// folder: images/upload/<i>/frame.jpg.
func oneUpload(n int) []event.ObjectEvent {
	recs := make([]event.ObjectEvent, n)
	for i := range recs {
		recs[i] = put(i, "media-bucket", fmt.Sprintf("images/upload/%d/frame.jpg", i))
	}
	return recs
}

// benchPrepare plans and prepares recs against a day's quota, and checks
// that the plan comes to dirs directories and no URLs.
func benchPrepare(b *testing.B, recs []event.ObjectEvent, dirs int) {
	pl := mustPlanner(b, planConfig)
	b.ReportAllocs()
	for b.Loop() {
		prep, err := prepareOSS(context.Background(), pl, recs, dailyRoom, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(prep.Plan.Files) != 0 || len(prep.Plan.Directories) != dirs {
			b.Fatalf("%d files, %d directories; want 0 and %d", len(prep.Plan.Files), len(prep.Plan.Directories), dirs)
		}
	}
}

// BenchmarkPlanOnePerFolder10k plans and fits 10,000 records, each in a
// folder of its own: they come to one directory a shelf.
func BenchmarkPlanOnePerFolder10k(b *testing.B) { benchPrepare(b, onePerFolder(10000), 10) }

// BenchmarkPlanOneUpload25k plans and fits 25,000 records that fold into
// one directory, images/upload/.
func BenchmarkPlanOneUpload25k(b *testing.B) { benchPrepare(b, oneUpload(25000), 1) }
