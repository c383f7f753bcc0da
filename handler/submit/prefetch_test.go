package submit_test

import (
	"fmt"
	"reflect"
	"testing"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// Prefetch warms the objects a prefetch rule saw created, once every
// refresh of the invocation went through, within the preload quota; its
// own failure is reported and leaves the invocation successful.
func TestPrefetch(t *testing.T) {
	x, y, z := cdn("warm/x.png"), cdn("warm/y.png"), cdn("warm/z.png")
	// The three created objects, one deleted (refreshed, never
	// prefetched) and a file of a rule that does not prefetch: three
	// refresh calls, tasks 1 to 5.
	records := indexed(put("warm/x.png"), put("warm/y.png"), put("warm/z.png"), del("warm/old.png"), put("img/a.png"))
	cases := []struct {
		name string
		c    *vodmem.Client // nil: a dry run
		want submit.PrefetchResult
		// errCode is the prefetch's failure, if any.
		errCode string
		// failed: the invocation fails, with a *submit.Error.
		failed  bool
		preload int // PreloadVodObjectCaches calls
		spent   int // what the ledger counts as prefetched
	}{
		{
			name: "after the refresh", c: &vodmem.Client{},
			want:    submit.PrefetchResult{Paths: []string{x, y, z}, TaskIDs: []string{"6", "7", "8"}},
			preload: 1, spent: 3,
		},
		{
			name: "a dry run lists them", c: nil,
			want: submit.PrefetchResult{Paths: []string{x, y, z}},
		},
		{
			name: "a refresh call failed", failed: true,
			c: &vodmem.Client{Fail: func(c vodmem.Call) error {
				if c.Action == "RefreshVodObjectCaches" && c.Paths[0] == cdn("img/a.png") {
					return apiError(c.Action, "IllegalOperation")
				}
				return nil
			}},
			want: submit.PrefetchResult{Skipped: []string{x, y, z}, Reason: "a refresh of the invocation did not go through; its retry prefetches, once"},
		},
		{
			name: "cut at the preload quota", c: &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 2}},
			want:    submit.PrefetchResult{Paths: []string{x, y}, TaskIDs: []string{"6", "7"}, Skipped: []string{z}, Reason: "the preload quota has 2 left"},
			preload: 1, spent: 2,
		},
		{
			name: "the preload quota spent", c: &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100}},
			want: submit.PrefetchResult{Skipped: []string{x, y, z}, Reason: "the preload quota has 0 left"},
		},
		{
			name: "the prefetch call fails", c: &vodmem.Client{Fail: failing("PreloadVodObjectCaches", "", "Throttling")},
			want: submit.PrefetchResult{Skipped: []string{x, y, z}}, errCode: "Throttling", preload: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, _ := planner(t)
			p := plan(t, pl, refresh.Input{Records: records})
			var got sent
			var c *vodmem.Client
			if tc.c == nil {
				c = &vodmem.Client{}
				res := &submit.Result{}
				s, err := submit.New(submit.Options{}).Begin(vod.STS{}, discard, res).Send(t.Context(), fit(t, pl, p, refresh.Room{URLs: 2000, Dirs: 100}), nil)
				got = sent{res: res, sent: s, err: err}
			} else {
				c = tc.c
				r := newRig(c)
				got = r.invoke(t, pl, p)
				if l := r.book(t); l.Preload != tc.spent {
					t.Errorf("the ledger counts %d prefetched, want %d", l.Preload, tc.spent)
				}
			}
			if tc.failed {
				asSubmitError(t, got.err)
			} else if got.err != nil {
				t.Fatal(got.err)
			}
			pf := got.res.Prefetch
			if pf == nil {
				t.Fatal("no prefetch result")
			}
			code := ""
			if pf.Error != nil {
				code = pf.Error.Code
			}
			if code != tc.errCode {
				t.Errorf("the prefetch failed with %q, want %q", code, tc.errCode)
			}
			e := pf.Error
			pf.Error = nil
			if !reflect.DeepEqual(*pf, tc.want) {
				t.Errorf("prefetch %+v\nwant     %+v", *pf, tc.want)
			}
			pf.Error = e
			refreshes := 3
			if tc.c == nil {
				refreshes = 0
			}
			checkCalls(t, c, callCounts{"RefreshVodObjectCaches": refreshes, "PreloadVodObjectCaches": tc.preload, "DescribeVodRefreshQuota": min(refreshes, 1)})
		})
	}
}

// What a directory covers, and what an earlier attempt of the event
// refreshed, is prefetched too: the files first, then those done before,
// then those the directories cover.
func TestPrefetchCoveredAndDone(t *testing.T) {
	pl, _ := planner(t)
	var keys []string
	for i := range 20 { // a dense folder: one directory covers them
		keys = append(keys, fmt.Sprintf("warm/set/f%02d.png", i))
	}
	records := indexed(append(puts("warm/x.png", "warm/done.png"), puts(keys...)...)...)
	for i := range records {
		records[i].ID = "ev-1"
	}
	// An earlier attempt of ev-1 submitted warm/done.png.
	seen := refresh.Seen{{ID: "ev-1", Path: cdn("warm/done.png")}: ""}
	p, err := pl.Plan(t.Context(), refresh.Input{Records: records}, seen)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(nil)
	got := r.invoke(t, pl, p)
	if got.err != nil {
		t.Fatal(got.err)
	}
	want := []string{cdn("warm/x.png"), cdn("warm/done.png")}
	for _, k := range keys {
		want = append(want, cdn(k))
	}
	// One File call (x, task 1) and one Directory call (task 2); the
	// prefetch's 22 tasks follow.
	if pf := got.res.Prefetch; pf == nil || !reflect.DeepEqual(pf.Paths, want) || len(pf.TaskIDs) != 22 || pf.TaskIDs[0] != "3" || pf.Skipped != nil {
		t.Errorf("prefetch %+v, want %d paths: %q", pf, len(want), want)
	}
	checkCalls(t, r.vod, callCounts{"RefreshVodObjectCaches": 2, "PreloadVodObjectCaches": 1, "DescribeVodRefreshQuota": 1})
	if l := r.book(t); l.Preload != 22 {
		t.Errorf("the ledger counts %d prefetched, want 22", l.Preload)
	}
}

// More than a call's worth of paths (100) is prefetched in several calls.
func TestPrefetchInCalls(t *testing.T) {
	pl, _ := planner(t)
	var keys []string
	for i := range 150 { // in 150 folders: none is dense
		keys = append(keys, fmt.Sprintf("warm/f%03d/x.png", i))
	}
	r := newRig(nil)
	got := r.invoke(t, pl, plan(t, pl, refresh.Input{Records: indexed(puts(keys...)...)}))
	if got.err != nil {
		t.Fatal(got.err)
	}
	if pf := got.res.Prefetch; pf == nil || len(pf.Paths) != 150 || len(pf.TaskIDs) != 150 || pf.Paths[149] != cdn(keys[149]) {
		t.Errorf("prefetch %+v", pf)
	}
	// 150 files, two a call: 75 refresh calls; 150 paths, 100 a call: 2
	// prefetch calls.
	checkCalls(t, r.vod, callCounts{"RefreshVodObjectCaches": 75, "PreloadVodObjectCaches": 2, "DescribeVodRefreshQuota": 1})
}
