package submit_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// dialer dials c, or fails with err; it counts its dials.
type dialer struct {
	mu    sync.Mutex
	c     vod.Client
	err   error
	dials int
}

func (d *dialer) Dial(vod.STS) (vod.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials++
	if d.err != nil {
		return nil, d.err
	}
	return d.c, nil
}

// mixed is the plan most tests send: three files (two calls of two and
// one), one folder of a Directory rule, and one video on the playUrls
// route that counts 8 URLs a video.
func mixed(t *testing.T) (*refresh.Planner, *refresh.Plan) {
	t.Helper()
	pl, cfg := planner(t)
	return pl, plan(t, pl, refresh.Input{
		Records: indexed(put("img/a.png"), put("img/b.png"), put("img/c.png"), put("dir/show/seg.ts")),
		Changes: purge(t, cfg, "/hooks/vod", videoA),
	})
}

// A dry run lists the calls the plan would make, sends none, plans with
// the full daily quota, and lists every path as planned. It is one
// whether the stage has no dialer, or one that cannot dial.
func TestDryRun(t *testing.T) {
	cases := []struct {
		name  string
		opts  func(d *dialer) submit.Options
		dials int
	}{
		{name: "no dialer", opts: func(*dialer) submit.Options { return submit.Options{} }},
		{name: "no dialer, even when DryRun is not asked", opts: func(*dialer) submit.Options { return submit.Options{DryRun: false} }},
		{name: "a dialer that cannot dial", dials: 1, opts: func(d *dialer) submit.Options {
			d.err = errors.New("no credentials")
			return submit.Options{Dialer: d, DryRun: true}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &vodmem.Client{}
			d := &dialer{c: c}
			st := store.NewMemory(store.MemoryOptions{})
			opts := tc.opts(d)
			opts.Ledger, opts.Now, opts.Backoff = ledger.New(st), clock, quick
			s := submit.New(opts)
			if !s.DryRun() {
				t.Fatal("the stage is not a dry run")
			}
			pl, p := mixed(t)
			res := &submit.Result{Shape: "oss", Records: 4}
			inv := s.Begin(vod.STS{}, discard, res)
			if !res.DryRun || res.Calls == nil {
				t.Errorf("Begin: dryRun %v, calls %v", res.DryRun, res.Calls)
			}
			q, shared, err := inv.Quota(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := submit.QuotaInfo{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500, Source: "assumed",
				Note: "a dry run, or no credentials: the full daily quota is assumed"}
			if shared || *q != want || res.Quota != q {
				t.Errorf("quota %+v (shared %v), want %+v, not shared, recorded in the result", *q, shared, want)
			}
			f := fit(t, pl, p, refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain})
			sent, err := inv.Send(t.Context(), f, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkCalls(t, c, callCounts{})
			if d.dials != tc.dials {
				t.Errorf("%d dials, want %d", d.dials, tc.dials)
			}
			if l := (&rig{store: st}).book(t); l.Have || l.Spent != (store.Amount{}) || l.Held != (store.Amount{}) {
				t.Errorf("a dry run touched the ledger: %+v", l)
			}
			if !sent.At.Equal(now) || len(sent.Calls) != 4 {
				t.Errorf("sent at %v with %d calls, want %v and 4", sent.At, len(sent.Calls), now)
			}
			type call struct {
				objectType string
				paths      []string
				urls       int
			}
			wantCalls := []call{
				{"File", []string{cdn("img/a.png"), cdn("img/b.png")}, 0},
				{"File", []string{cdn("img/c.png")}, 0},
				{"Directory", []string{cdn("dir/show/")}, 0},
				{"Media", []string{videoA}, 8},
			}
			if len(res.Calls) != len(wantCalls) {
				t.Fatalf("%d calls, want %d: %+v", len(res.Calls), len(wantCalls), res.Calls)
			}
			for i, c := range res.Calls {
				w := wantCalls[i]
				if c.ObjectType != w.objectType || !reflect.DeepEqual(c.Paths, w.paths) || c.Count != len(w.paths) || c.URLs != w.urls ||
					c.Sent || c.Error != nil || c.Attempts != 0 || len(c.TaskIDs) != 0 {
					t.Errorf("call %d: %+v, want %+v planned", i, c, w)
				}
			}
			if m := res.Calls[3].Media; m == nil || !reflect.DeepEqual(*m, vod.MediaOptions{Formats: []string{"mp4", "m3u8"}, Definitions: []string{"SD", "HD"}, Slices: 2}) {
				t.Errorf("the media call's options: %+v", m)
			}
			wantPaths := []string{
				"planned File " + cdn("img/a.png"), "planned File " + cdn("img/b.png"), "planned File " + cdn("img/c.png"),
				"planned Directory " + cdn("dir/show/"), "planned Media " + videoA,
			}
			if got := statuses(res); !reflect.DeepEqual(got, wantPaths) {
				t.Errorf("paths\n%q\nwant\n%q", got, wantPaths)
			}
			if res.PathsCount != 5 || !reflect.DeepEqual(res.PathsByStatus, map[string]int{"planned": 5}) {
				t.Errorf("%d paths by status %v, want 5 planned", res.PathsCount, res.PathsByStatus)
			}
			if len(res.TaskIDs()) != 0 || res.Tasks != nil || res.Prefetch != nil {
				t.Errorf("a dry run reports tasks %v, %v or a prefetch %+v", res.TaskIDs(), res.Tasks, res.Prefetch)
			}
		})
	}
}

// Without a dry run, a dialer that cannot dial fails the quota read, and
// nothing is read.
func TestQuotaDialFails(t *testing.T) {
	c := &vodmem.Client{}
	refused := errors.New("the role's credentials were refused")
	s := submit.New(submit.Options{Dialer: &dialer{c: c, err: refused}, Now: clock,
		Ledger: ledger.New(store.NewMemory(store.MemoryOptions{}))})
	if s.DryRun() {
		t.Fatal("a stage with a dialer is a dry run")
	}
	res := &submit.Result{}
	q, shared, err := s.Begin(vod.STS{AccessKeyID: "STS.x"}, discard, res).Quota(t.Context())
	if !errors.Is(err, refused) || q != nil || shared || res.Quota != nil {
		t.Errorf("Quota: %+v, shared %v, %v; want the dial's error alone", q, shared, err)
	}
	checkCalls(t, c, callCounts{})
}

// The quota is read from the service when the ledger has no fresh
// reading, and otherwise from the ledger, less what others spent and hold;
// a read that fails plans with the full daily quota and holds nothing.
func TestQuotaSources(t *testing.T) {
	cases := []struct {
		name string
		c    *vodmem.Client
		// before runs in the ledger before the invocation reads.
		before     func(t *testing.T, r *rig)
		want       submit.QuotaInfo
		shared     bool
		quotaReads int
	}{
		{
			name: "the service's reading", c: &vodmem.Client{Remain: vod.Quota{URLRemain: 7, DirRemain: 3, PreloadRemain: 1}},
			want: submit.QuotaInfo{URLRemain: 7, DirRemain: 3, PreloadRemain: 1, Source: "api"}, shared: true, quotaReads: 1,
		},
		{
			name: "a fresh reading is not read again", c: &vodmem.Client{},
			before: func(t *testing.T, r *rig) { r.quota(t) },
			want:   submit.QuotaInfo{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500, Source: "cache"}, shared: true, quotaReads: 1,
		},
		{
			name: "what others spent and hold is not planned with", c: &vodmem.Client{},
			before: func(t *testing.T, r *rig) {
				r.quota(t)
				ctx := context.Background()
				spent, _, err := r.ledger.Hold(ctx, store.Amount{URLs: 30, Dirs: 4}, store.Amount{})
				if err != nil || spent == nil {
					t.Fatal(err)
				}
				spent.Settle(ctx, 20, 1, time.Time{}) // 10 URLs and 3 directories released
				if held, _, err := r.ledger.Hold(ctx, store.Amount{URLs: 5, Dirs: 2}, store.Amount{}); err != nil || held == nil {
					t.Fatal(err)
				}
				r.ledger.SpendPreload(ctx, 6)
			},
			want: submit.QuotaInfo{URLRemain: 2000 - 20 - 5, DirRemain: 100 - 1 - 2, PreloadRemain: 500 - 6, Source: "cache"}, shared: true, quotaReads: 1,
		},
		{
			name: "an unreadable quota", c: &vodmem.Client{QuotaErr: apiError("DescribeVodRefreshQuota", "Forbidden.RAM")},
			want: submit.QuotaInfo{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500, Source: "unavailable",
				Note: "DescribeVodRefreshQuota failed: the full daily quota is assumed"},
			quotaReads: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(tc.c)
			if tc.before != nil {
				tc.before(t, r)
			}
			res := &submit.Result{}
			q, shared, err := r.stage.Begin(vod.STS{}, discard, res).Quota(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if *q != tc.want || shared != tc.shared {
				t.Errorf("quota %+v, shared %v; want %+v, shared %v", *q, shared, tc.want, tc.shared)
			}
			// The QuotaInfo is the result's own: the caller records in it
			// the room it fitted to.
			q.URLRemain = 1
			if res.Quota.URLRemain != 1 {
				t.Errorf("the quota returned is not the result's")
			}
			checkCalls(t, tc.c, callCounts{"DescribeVodRefreshQuota": tc.quotaReads})
		})
	}
}

// quota reads the quota once, as an invocation does.
func (r *rig) quota(t *testing.T) submit.QuotaInfo {
	t.Helper()
	q, _, err := r.stage.Begin(vod.STS{}, discard, &submit.Result{}).Quota(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return *q
}

// A sent plan: each path is submitted with its own task ID, and the
// ledger's reservation is settled with what went through, so that what
// the ledger leaves shrinks by exactly what was sent. When the quota could
// not be read, nothing was held and the ledger counts nothing.
func TestSend(t *testing.T) {
	cases := []struct {
		name      string
		c         *vodmem.Client
		source    string
		roomAfter store.Amount
		spent     store.Amount
	}{
		{name: "held in the ledger", c: &vodmem.Client{}, source: "api",
			roomAfter: store.Amount{URLs: 2000 - 3, Dirs: 100 - 1}, spent: store.Amount{URLs: 3, Dirs: 1}},
		{name: "the quota unreadable", c: &vodmem.Client{QuotaErr: errors.New("connection reset")}, source: "unavailable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, _ := planner(t)
			p := plan(t, pl, refresh.Input{Records: indexed(put("img/a.png"), put("img/b.png"), put("img/c.png"), put("dir/show/seg.ts"))})
			r := newRig(tc.c)
			got := r.invoke(t, pl, p)
			if got.err != nil {
				t.Fatal(got.err)
			}
			if got.quota.Source != tc.source {
				t.Errorf("quota from %q, want %q", got.quota.Source, tc.source)
			}
			res := got.res
			wantPaths := []string{
				"submitted File " + cdn("img/a.png") + " task=1", "submitted File " + cdn("img/b.png") + " task=2",
				"submitted File " + cdn("img/c.png") + " task=3", "submitted Directory " + cdn("dir/show/") + " task=4",
			}
			if s := statuses(res); !reflect.DeepEqual(s, wantPaths) {
				t.Errorf("paths\n%q\nwant\n%q", s, wantPaths)
			}
			if res.PathsCount != 4 || !reflect.DeepEqual(res.PathsByStatus, map[string]int{"submitted": 4}) {
				t.Errorf("%d paths, by status %v", res.PathsCount, res.PathsByStatus)
			}
			if ids := res.TaskIDs(); !reflect.DeepEqual(ids, []string{"1", "2", "3", "4"}) {
				t.Errorf("task IDs %v", ids)
			}
			for i, c := range res.Calls {
				if !c.Sent || c.Attempts != 1 || c.Error != nil || c.RequestID != "mem-"+strconv.Itoa(i+1) {
					t.Errorf("call %d: %+v", i, c)
				}
			}
			wantRefreshes := []vodmem.Refresh{
				{ObjectType: "File", Paths: []string{cdn("img/a.png"), cdn("img/b.png")}},
				{ObjectType: "File", Paths: []string{cdn("img/c.png")}},
				{ObjectType: "Directory", Paths: []string{cdn("dir/show/")}},
			}
			if rs := r.vod.Refreshes(); !reflect.DeepEqual(rs, wantRefreshes) {
				t.Errorf("VOD refreshed %+v", rs)
			}
			checkCalls(t, r.vod, callCounts{"RefreshVodObjectCaches": 3, "DescribeVodRefreshQuota": 1})
			// Sent has the calls whole: the result's, before it was bounded.
			if !got.sent.At.Equal(now) || len(got.sent.Calls) != len(wantRefreshes) {
				t.Errorf("Sent %+v", got.sent)
			}
			for i, c := range got.sent.Calls {
				if !c.Sent || !reflect.DeepEqual(c.Paths, wantRefreshes[i].Paths) || !reflect.DeepEqual(c.TaskIDs, res.Calls[i].TaskIDs) {
					t.Errorf("Sent call %d: %+v", i, c)
				}
			}
			if room := r.room(t); room != tc.roomAfter {
				t.Errorf("the ledger leaves %+v, want %+v", room, tc.roomAfter)
			}
			if l := r.book(t); l.Spent != tc.spent || l.Held != (store.Amount{}) {
				t.Errorf("the ledger spent %+v and holds %+v, want %+v and nothing", l.Spent, l.Held, tc.spent)
			}
			if res.Tasks != nil || res.Prefetch != nil {
				t.Errorf("tasks %+v and prefetch %+v for a plan that neither waits nor prefetches", res.Tasks, res.Prefetch)
			}
		})
	}
}

// A plan with no paths sends nothing, and its result still lists its
// calls, as an empty list.
func TestSendEmptyPlan(t *testing.T) {
	pl, _ := planner(t)
	p := plan(t, pl, refresh.Input{Records: indexed(put("elsewhere/a.png"), record("ObjectDownloaded:GetObject", "img/a.png"))})
	if p.Size() != 0 || p.Skipped.Count != 2 {
		t.Fatalf("the plan has %d paths and %d skipped records, want 0 and 2", p.Size(), p.Skipped.Count)
	}
	r := newRig(nil)
	res := &submit.Result{}
	sent, err := r.stage.Begin(vod.STS{}, discard, res).Send(t.Context(), fit(t, pl, p, refresh.Room{}), nil)
	if err != nil || len(sent.Calls) != 0 {
		t.Fatalf("Send: %+v, %v", sent, err)
	}
	checkCalls(t, r.vod, callCounts{})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"calls":[]`) || !strings.Contains(s, `"pathsCount":0`) || strings.Contains(s, `"paths":`) {
		t.Errorf("result %s", s)
	}
}
