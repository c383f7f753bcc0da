package submit_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"vodrefresh/handler/refresh"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// A plan that could not be fitted is accounted for: for want of quota,
// every path of it (files, directories and videos) is failed with
// QuotaExceeded.Refresh, wrapped or not; any other error lists no path.
// Unplanned returns the error it was given, and calls nothing.
func TestUnplanned(t *testing.T) {
	allFailed := []string{
		"failed File " + cdn("img/a.png") + " code=QuotaExceeded.Refresh",
		"failed File " + cdn("img/b.png") + " code=QuotaExceeded.Refresh",
		"failed File " + cdn("img/c.png") + " code=QuotaExceeded.Refresh",
		"failed Directory " + cdn("dir/show/") + " code=QuotaExceeded.Refresh",
		"failed Media " + videoA + " code=QuotaExceeded.Refresh",
	}
	cases := []struct {
		name  string
		err   func(fitErr error) error
		paths []string
		count map[string]int
	}{
		{name: "no quota left", err: func(e error) error { return e }, paths: allFailed, count: map[string]int{"failed": 5}},
		{name: "no quota left, wrapped", err: func(e error) error { return fmt.Errorf("fitting the plan: %w", e) }, paths: allFailed,
			count: map[string]int{"failed": 5}},
		{name: "another error", err: func(error) error {
			return errors.New("the quota ledger: other invocations kept taking the quota this plan was fitted to (4 tries); retry")
		}, count: map[string]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, p := mixed(t)
			// The video alone counts 8 URLs: nothing fits in no room.
			f, fitErr := pl.Fit(t.Context(), p, refresh.Room{})
			var qe *refresh.QuotaError
			if !errors.As(fitErr, &qe) || qe.URLRemain != 0 || qe.DirRemain != 0 {
				t.Fatalf("fitting to no room: %v, want a quota error", fitErr)
			}
			r := newRig(nil)
			res := &submit.Result{}
			inv := r.stage.Begin(vod.STS{}, discard, res)
			want := tc.err(fitErr)
			if err := inv.Unplanned(f, want); err != want {
				t.Errorf("Unplanned returned %v, want %v", err, want)
			}
			if s := statuses(res); !reflect.DeepEqual(s, tc.paths) {
				t.Errorf("paths\n%q\nwant\n%q", s, tc.paths)
			}
			if res.PathsCount != len(tc.paths) || !reflect.DeepEqual(res.PathsByStatus, tc.count) {
				t.Errorf("%d paths by status %v, want %d by %v", res.PathsCount, res.PathsByStatus, len(tc.paths), tc.count)
			}
			if len(res.Calls) != 0 || res.Coalesced != nil {
				t.Errorf("calls %+v, coalesced %+v", res.Calls, res.Coalesced)
			}
			checkCalls(t, r.vod, callCounts{})
		})
	}
}

// The directories that fitting coalesced are in the result of a plan
// that could not be held, each with how many URLs it covers.
func TestUnplannedKeepsCoalesced(t *testing.T) {
	pl, _ := planner(t)
	var keys []string
	for i := range 20 { // a dense folder: one directory covers them
		keys = append(keys, fmt.Sprintf("img/set/f%02d.png", i))
	}
	p := plan(t, pl, refresh.Input{Records: indexed(puts(keys...)...)})
	f := fit(t, pl, p, refresh.Room{URLs: 2000, Dirs: 100})
	if len(f.Coalesced) != 1 || len(f.Batches) != 1 {
		t.Fatalf("fitted to %d directories in %d calls, want 1 in 1", len(f.Coalesced), len(f.Batches))
	}
	res := &submit.Result{}
	held := errors.New("the quota ledger: unreachable")
	if err := newRig(nil).stage.Begin(vod.STS{}, discard, res).Unplanned(f, held); err != held {
		t.Fatalf("Unplanned: %v", err)
	}
	if len(res.Coalesced) != 1 || res.Coalesced[0].Directory != cdn("img/set/") || res.Coalesced[0].Count != 20 ||
		len(res.Coalesced[0].Paths) != 20 || res.Coalesced[0].Paths[19] != cdn("img/set/f19.png") {
		t.Errorf("coalesced %+v", res.Coalesced)
	}
	if res.PathsCount != 0 || len(res.Paths) != 0 {
		t.Errorf("%d paths listed: %+v", res.PathsCount, res.Paths)
	}
}
