package submit_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// grudging is an in-memory store that refuses every hold of directories
// (as when other invocations keep taking them first) and, once a plan's
// URLs are held, cannot read its ledger, as the knobs say.
type grudging struct {
	store.Store
	refuseDirs  bool
	breakOnHold bool
	broken      atomic.Bool
}

func (g *grudging) Hold(ctx context.Context, id string, need store.Amount, ttl time.Duration) (store.Ledger, bool, error) {
	if g.refuseDirs && need.Dirs > 0 {
		l, err := g.Store.Ledger(ctx)
		return l, false, err
	}
	l, ok, err := g.Store.Hold(ctx, id, need, ttl)
	if ok && g.breakOnHold {
		g.broken.Store(true)
	}
	return l, ok, err
}

func (g *grudging) Ledger(ctx context.Context) (store.Ledger, error) {
	if g.broken.Load() {
		return store.Ledger{}, errors.New("connection refused")
	}
	return g.Store.Ledger(ctx)
}

// A video that VOD answers as non-existent on a playUrls route is purged
// through its folder, as a directory, in the same invocation: the folder
// is held in the ledger first, and the hold settled with what went
// through. The video that VOD took is submitted with its job, read back
// once into the tasks.
func TestMediaFallback(t *testing.T) {
	const notSent = "not sent: the folders of videos VOD did not take: "
	cases := []struct {
		name string
		c    *vodmem.Client
		// st wraps the rig's store; nil keeps it.
		st       func(store.Store) store.Store
		nonExist bool
		paths    []string
		calls    callCounts
		spent    store.Amount
		// outcome and message (in part) of the *submit.Error, if any, and
		// the message of its failed call.
		outcome vod.Outcome
		message []string
		reason  string
	}{
		{
			name: "every video taken", c: &vodmem.Client{},
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "submitted Media " + videoB + " task=mem-job-1"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1},
			spent: store.Amount{URLs: 16},
		},
		{
			name: "a deleted video's folder", c: &vodmem.Client{}, nonExist: true,
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "submitted Directory " + folderOf(videoB) + " task=3"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1, "RefreshVodObjectCaches": 1},
			spent: store.Amount{URLs: 8, Dirs: 1},
		},
		{
			name: "the quota unread: the folder is sent unheld", c: &vodmem.Client{QuotaErr: errors.New("connection reset")}, nonExist: true,
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "submitted Directory " + folderOf(videoB) + " task=3"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1, "RefreshVodObjectCaches": 1},
		},
		{
			name: "no directory left", c: &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, PreloadRemain: 500}}, nonExist: true,
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "failed Directory " + folderOf(videoB) + " code=QuotaExceeded.Refresh"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1},
			spent: store.Amount{URLs: 8}, outcome: vod.QuotaExhausted,
			message: []string{"1 of 2 refresh calls failed (1 paths not refreshed); Directory call of 1 paths: QuotaExceeded.Refresh: " + notSent +
				"refresh quota exhausted: 1 paths pending (URLs: 0 needed, 1992 left; directories: 1 needed, 0 left)", "after 0 attempt(s) [quota-exhausted: "},
			reason: notSent + "refresh quota exhausted: 1 paths pending (URLs: 0 needed, 1992 left; directories: 1 needed, 0 left); " +
				"they are refreshed when the invocation is retried after the quota resets at midnight (UTC+8), or replay the event",
		},
		{
			name: "others keep taking the directories", c: &vodmem.Client{}, nonExist: true,
			st:    func(s store.Store) store.Store { return &grudging{Store: s, refuseDirs: true} },
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "failed Directory " + folderOf(videoB) + " code=NotSent"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1},
			spent: store.Amount{URLs: 8}, outcome: vod.Retry,
			message: []string{"1 of 2 refresh calls failed (1 paths not refreshed)"},
			reason:  notSent + "the quota ledger: other invocations kept taking the quota (4 tries); retry",
		},
		{
			name: "the ledger unreadable", c: &vodmem.Client{}, nonExist: true,
			st:    func(s store.Store) store.Store { return &grudging{Store: s, breakOnHold: true} },
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "failed Directory " + folderOf(videoB) + " code=NotSent"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1},
			spent: store.Amount{URLs: 8}, outcome: vod.Retry,
			message: []string{"1 of 2 refresh calls failed (1 paths not refreshed)"},
			reason:  notSent + "the quota ledger: connection refused",
		},
		{
			name: "the folder's call fails", c: &vodmem.Client{Fail: failing("RefreshVodObjectCaches", "Directory", "InvalidDomain.Offline")}, nonExist: true,
			paths: []string{"submitted Media " + videoA + " task=mem-job-1", "failed Directory " + folderOf(videoB) + " code=InvalidDomain.Offline"},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1, "RefreshVodObjectCaches": 1},
			spent: store.Amount{URLs: 8}, outcome: vod.Permanent,
			message: []string{"1 of 2 refresh calls failed (1 paths not refreshed); Directory call of 1 paths: InvalidDomain.Offline (HTTP 400): injected InvalidDomain.Offline after 1 attempt(s) [permanent: the domain is disabled: enable it in the VOD console, then replay the event]"},
			reason:  "injected InvalidDomain.Offline",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, cfg := planner(t)
			p := plan(t, pl, refresh.Input{Changes: purge(t, cfg, "/hooks/vod", videoA, videoB)})
			if tc.nonExist {
				tc.c.NonExist = map[string]bool{videoB: true}
			}
			mem := store.NewMemory(store.MemoryOptions{})
			var st store.Store = mem
			if tc.st != nil {
				st = tc.st(mem)
			}
			r := rigOn(tc.c, tc.c, st)
			got := r.invoke(t, pl, p)
			if tc.outcome == "" {
				if got.err != nil {
					t.Fatal(got.err)
				}
			} else {
				se := asSubmitError(t, got.err)
				if se.Outcome() != tc.outcome {
					t.Errorf("outcome %s, want %s", se.Outcome(), tc.outcome)
				}
				msg := se.Error()
				for _, m := range tc.message {
					if !strings.Contains(msg, m) {
						t.Errorf("the message\n%s\nsays nothing of\n%s", msg, m)
					}
				}
				noGoType(t, msg)
				if f := se.Failed(); len(f) != 1 || f[0].Error.Message != tc.reason {
					t.Errorf("the failed call says %q, want %q", f[0].Error.Message, tc.reason)
				}
			}
			if s := statuses(got.res); !reflect.DeepEqual(s, tc.paths) {
				t.Errorf("paths\n%q\nwant\n%q", s, tc.paths)
			}
			tc.calls["DescribeVodRefreshQuota"] = 1
			checkCalls(t, tc.c, tc.calls)
			// VOD was asked for both videos, in one call.
			if m := tc.c.Media(); !reflect.DeepEqual(m, []string{videoA, videoB}) {
				t.Errorf("RefreshMediaPlayUrls took %v", m)
			}
			// The video VOD took is read back once: its job, with the
			// tasks of its 2 play URLs (mp4 and m3u8).
			media := got.res.Tasks[0]
			if media.TaskID != "mem-job-1" || media.ObjectPath != videoA || media.ObjectType != "media" || media.Status != "Success" || media.Description != "1,2" {
				t.Errorf("tasks %+v", got.res.Tasks)
			}
			if l := (&rig{store: mem}).book(t); l.Spent != tc.spent || l.Held != (store.Amount{}) {
				t.Errorf("the ledger spent %+v and holds %+v, want %+v and nothing", l.Spent, l.Held, tc.spent)
			}
		})
	}
}

// A video VOD did not take whose folder an earlier attempt of its message
// refreshed has nothing left to refresh: no directory call is made, and
// the folder is skipped as done.
func TestMediaFallbackFolderDone(t *testing.T) {
	pl, cfg := planner(t)
	changes := purge(t, cfg, "/hooks/vod", videoA, videoB)
	for i := range changes {
		changes[i].ID, changes[i].Message = "mns:m1", "m1"
	}
	seen := refresh.Seen{{ID: "mns:m1", Path: folderOf(videoB)}: ""}
	p, err := pl.Plan(t.Context(), refresh.Input{Changes: changes}, seen)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Media) != 2 || len(p.Media[1].Folders) != 0 || !reflect.DeepEqual(p.Done, []string{folderOf(videoB)}) {
		t.Fatalf("plan: media %+v, done %v", p.Media, p.Done)
	}
	c := &vodmem.Client{NonExist: map[string]bool{videoB: true}}
	r := newRig(c)
	got := r.invoke(t, pl, p)
	if got.err != nil {
		t.Fatal(got.err)
	}
	if s := statuses(got.res); !reflect.DeepEqual(s, []string{"submitted Media " + videoA + " task=mem-job-1"}) {
		t.Errorf("paths %q", s)
	}
	checkCalls(t, c, callCounts{"DescribeVodRefreshQuota": 1, "RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1})
	if l := r.book(t); l.Spent != (store.Amount{URLs: 8}) || l.Held != (store.Amount{}) {
		t.Errorf("the ledger spent %+v and holds %+v, want 8 URLs and nothing", l.Spent, l.Held)
	}
}
