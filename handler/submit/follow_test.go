package submit_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// reporting is a vodmem account whose CDN reports the tasks of some paths
// Failed, and, with failJobs, every media job failed.
type reporting struct {
	*vodmem.Client
	failPaths map[string]bool
	failJobs  bool
}

func (r *reporting) Dial(vod.STS) (vod.Client, error) { return r, nil }

func (r *reporting) Tasks(ctx context.Context, f vod.TaskFilter) ([]vod.Task, error) {
	ts, err := r.Client.Tasks(ctx, f)
	for i := range ts {
		if r.failPaths[ts[i].ObjectPath] {
			ts[i].Status = "Failed"
		}
	}
	return ts, err
}

func (r *reporting) GetMediaRefreshJobs(ctx context.Context, jobID string) ([]vod.MediaJob, error) {
	jobs, err := r.Client.GetMediaRefreshJobs(ctx, jobID)
	for i := range jobs {
		if r.failJobs {
			jobs[i].Status, jobs[i].ErrorCode, jobs[i].ErrorMessage = "Failed", "MediaNotReady", "the stream is transcoding"
		}
	}
	return jobs, err
}

// taskList lists tasks as follow reports them, in short: "id status path".
func taskList(ts []vod.Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.TaskID+" "+t.Status+" "+t.ObjectPath)
	}
	return out
}

// A plan whose rule or route waits follows its tasks until they are done,
// one query per task, and reports their final status; a task or media
// job the CDN reports failed fails the invocation with a *vod.TaskError,
// though every path was submitted, and nothing is prefetched then. A plan
// that does not wait follows nothing but its media jobs, once.
func TestFollow(t *testing.T) {
	a, b := cdn("wait/a.png"), cdn("wait/b.png")
	playA := "https://mem.example/" + videoA + "/play.mp4"
	cases := []struct {
		name    string
		records []event.ObjectEvent
		videos  []string // purged on the route that waits
		c       *reporting
		tasks   []string
		// failed lists the tasks of the *vod.TaskError, if any.
		failed   []string
		calls    callCounts
		prefetch *submit.PrefetchResult
	}{
		{
			name: "a rule that does not wait", records: indexed(put("img/a.png")), c: &reporting{},
			calls: callCounts{"RefreshVodObjectCaches": 1},
		},
		{
			name: "files of a rule that waits", records: indexed(put("wait/a.png"), put("wait/b.png")), c: &reporting{},
			tasks: []string{"1 Complete " + a, "2 Complete " + b},
			calls: callCounts{"RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 2},
		},
		{
			// The media job first, then the folder's task (the calls'),
			// then the play URL's (the job's).
			name: "videos on a route that waits", videos: []string{videoA, videoB},
			c:     &reporting{Client: &vodmem.Client{NonExist: map[string]bool{videoB: true}}},
			tasks: []string{"mem-job-1 Success " + videoA, "2 Complete " + folderOf(videoB), "1 Complete " + playA},
			calls: callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1, "RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 2},
		},
		{
			name: "a task failed", records: indexed(put("wait/a.png"), put("wait/b.png")), c: &reporting{failPaths: map[string]bool{b: true}},
			tasks:  []string{"1 Complete " + a, "2 Failed " + b},
			failed: []string{"2 Failed " + b},
			calls:  callCounts{"RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 2},
		},
		{
			name: "a media job failed", videos: []string{videoA}, c: &reporting{failJobs: true},
			tasks:  []string{"mem-job-1 Failed " + videoA, "1 Complete " + playA},
			failed: []string{"mem-job-1 Failed " + videoA},
			calls:  callCounts{"RefreshMediaPlayUrls": 1, "GetMediaRefreshJobs": 1, "DescribeVodRefreshTasks": 1},
		},
		{
			name: "a failed task holds the prefetch back", records: indexed(put("warm/x.png"), put("wait/a.png")),
			c:        &reporting{failPaths: map[string]bool{a: true}},
			tasks:    []string{"1 Complete " + cdn("warm/x.png"), "2 Failed " + a},
			failed:   []string{"2 Failed " + a},
			calls:    callCounts{"RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 2},
			prefetch: &submit.PrefetchResult{Skipped: []string{cdn("warm/x.png")}, Reason: "a refresh of the invocation did not go through; its retry prefetches, once"},
		},
		{
			name: "the waited tasks done, the prefetch follows", records: indexed(put("warm/x.png"), put("wait/a.png")), c: &reporting{},
			tasks:    []string{"1 Complete " + cdn("warm/x.png"), "2 Complete " + a},
			calls:    callCounts{"RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 2, "PreloadVodObjectCaches": 1},
			prefetch: &submit.PrefetchResult{Paths: []string{cdn("warm/x.png")}, TaskIDs: []string{"3"}},
		},
		{
			// The refresh went through; only its status is unknown.
			name: "the task query fails", records: indexed(put("wait/a.png"), put("wait/b.png")),
			c:     &reporting{Client: &vodmem.Client{Fail: failing("DescribeVodRefreshTasks", "", "Throttling")}},
			calls: callCounts{"RefreshVodObjectCaches": 1, "DescribeVodRefreshTasks": 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.c.Client == nil {
				tc.c.Client = &vodmem.Client{}
			}
			pl, cfg := planner(t)
			var changes []refresh.Reported
			if len(tc.videos) > 0 {
				changes = purge(t, cfg, "/hooks/vod-wait", tc.videos...)
			}
			r := rigOn(tc.c.Client, tc.c, store.NewMemory(store.MemoryOptions{}))
			got := r.invoke(t, pl, plan(t, pl, refresh.Input{Records: tc.records, Changes: changes}))
			var te *vod.TaskError
			switch {
			case tc.failed == nil && got.err != nil:
				t.Fatal(got.err)
			case tc.failed != nil && !errors.As(got.err, &te):
				t.Fatalf("error %v, want a *vod.TaskError", got.err)
			case tc.failed != nil:
				if f := taskList(te.Failed); !reflect.DeepEqual(f, tc.failed) {
					t.Errorf("failed tasks %q, want %q", f, tc.failed)
				}
				if se := (*submit.Error)(nil); errors.As(got.err, &se) {
					t.Errorf("a failed task is reported as a failed call: %v", se)
				}
				noGoType(t, got.err.Error())
			}
			if ts := taskList(got.res.Tasks); !reflect.DeepEqual(ts, tc.tasks) {
				t.Errorf("tasks %q, want %q", ts, tc.tasks)
			}
			if n := got.res.PathsByStatus["submitted"]; n != got.res.PathsCount || n == 0 {
				t.Errorf("%d of %d paths submitted, want all", n, got.res.PathsCount)
			}
			tc.calls["DescribeVodRefreshQuota"] = 1
			checkCalls(t, tc.c.Client, tc.calls)
			if !reflect.DeepEqual(got.res.Prefetch, tc.prefetch) {
				t.Errorf("prefetch %+v, want %+v", got.res.Prefetch, tc.prefetch)
			}
		})
	}
}
