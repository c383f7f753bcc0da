// Package vodmem is an in-memory vod.Client for tests of planning,
// budgeting and submitting: it keeps a daily quota, spends it as the real
// service does, answers with injected failures, and counts every call. It
// talks to no network; the SDK is tested against internal/vodfake.
//
// It imports vod, whose Client it implements, and nothing else of vodrefresh.
package vodmem

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"vodrefresh/handler/vod"
)

// Client is an in-memory VOD account. The zero value has the full daily
// quota. It is safe for concurrent use.
type Client struct {
	mu sync.Mutex
	// Remain is the quota left; a zero Remain is filled with the daily
	// quota on first use.
	Remain vod.Quota
	// Fail, when set, is asked before each call and returns the error to
	// answer with instead, or nil. It runs with no lock held, so it may
	// block one call while others go on.
	Fail func(Call) error
	// QuotaErr, when set, is the answer to every quota read.
	QuotaErr error
	// NonExist names the media IDs that RefreshMediaPlayUrls answers in
	// NonExistMediaIds, as VOD answers a deleted video's.
	NonExist map[string]bool

	calls   map[string]int
	refresh []Refresh
	tasks   []task           // task i has the ID i+1
	jobs    [][]vod.MediaJob // job i has the ID "mem-job-" i+1
	media   []string
	started bool
}

// Call is a call that the client is about to answer.
type Call struct {
	Action     string
	ObjectType string
	Paths      []string
}

// task is a completed task: what it refreshed or prefetched.
type task struct{ path, objectType string }

// Refresh is one accepted RefreshVodObjectCaches call.
type Refresh struct {
	ObjectType string
	Paths      []string
}

// begin counts a call and asks Fail about it, with no lock held while
// Fail runs.
func (c *Client) begin(action, objectType string, paths []string) error {
	c.mu.Lock()
	c.init(action)
	fail := c.Fail
	c.mu.Unlock()
	if fail != nil {
		return fail(Call{Action: action, ObjectType: objectType, Paths: paths})
	}
	return nil
}

// init fills the daily quota on first use and counts a call; c.mu is held.
func (c *Client) init(action string) {
	if !c.started {
		c.started = true
		if c.Remain == (vod.Quota{}) {
			c.Remain = vod.Quota{URLRemain: vod.DailyURLQuota, URLQuota: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota,
				DirQuota: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota, PreloadQuota: vod.DailyPreloadQuota}
		}
	}
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[action]++
}

// Refresh spends the quota of the object type, or answers
// QuotaExceeded.Refresh when it would run out.
func (c *Client) Refresh(_ context.Context, objectType string, paths []string) (vod.Reply, error) {
	if err := c.begin("RefreshVodObjectCaches", objectType, paths); err != nil {
		return vod.Reply{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	left := &c.Remain.URLRemain
	if objectType == "Directory" {
		left = &c.Remain.DirRemain
	}
	if len(paths) > *left {
		return vod.Reply{}, &vod.APIError{Action: "RefreshVodObjectCaches", Code: "QuotaExceeded.Refresh", HTTPStatus: 400,
			Message: fmt.Sprintf("%d paths, %d left", len(paths), *left)}
	}
	*left -= len(paths)
	c.refresh = append(c.refresh, Refresh{ObjectType: objectType, Paths: append([]string(nil), paths...)})
	return vod.Reply{TaskIDs: c.newTasks(paths, objectType), RequestID: "mem-" + strconv.Itoa(len(c.refresh))}, nil
}

// Preload spends the preload quota.
func (c *Client) Preload(_ context.Context, paths []string) (vod.Reply, error) {
	if err := c.begin("PreloadVodObjectCaches", "", paths); err != nil {
		return vod.Reply{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(paths) > c.Remain.PreloadRemain {
		return vod.Reply{}, &vod.APIError{Action: "PreloadVodObjectCaches", Code: "QuotaExceeded.Preload", HTTPStatus: 400}
	}
	c.Remain.PreloadRemain -= len(paths)
	return vod.Reply{TaskIDs: c.newTasks(paths, "preload"), RequestID: "mem-preload"}, nil
}

// newTasks records one completed task per path and returns their IDs.
func (c *Client) newTasks(paths []string, objectType string) []string {
	ids := make([]string, len(paths))
	for i, p := range paths {
		c.tasks = append(c.tasks, task{path: p, objectType: objectType})
		ids[i] = strconv.Itoa(len(c.tasks))
	}
	return ids
}

// Quota answers the quota left, or QuotaErr.
func (c *Client) Quota(context.Context) (vod.Quota, error) {
	if err := c.begin("DescribeVodRefreshQuota", "", nil); err != nil {
		return vod.Quota{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.QuotaErr != nil {
		return vod.Quota{}, c.QuotaErr
	}
	return c.Remain, nil
}

// Tasks answers the tasks that match f's ID or path.
func (c *Client) Tasks(_ context.Context, f vod.TaskFilter) ([]vod.Task, error) {
	if err := c.begin("DescribeVodRefreshTasks", "", nil); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []vod.Task
	for i, t := range c.tasks {
		id := strconv.Itoa(i + 1)
		if (f.TaskID == "" || id == f.TaskID) && (f.ObjectPath == "" || t.path == f.ObjectPath) && (f.Status == "" || f.Status == "Complete") {
			out = append(out, vod.Task{TaskID: id, ObjectPath: t.path, ObjectType: t.objectType, Status: "Complete", Process: "100%"})
		}
	}
	return out, nil
}

// Calls returns how many calls of action were made, failed ones included.
func (c *Client) Calls(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[action]
}

// Refreshes returns the accepted refresh calls, in order.
func (c *Client) Refreshes() []Refresh {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Refresh(nil), c.refresh...)
}

// Dial returns c itself, whatever the credentials.
func (c *Client) Dial(vod.STS) (vod.Client, error) { return c, nil }

// RefreshMediaPlayUrls takes the media that exist: those in NonExist are
// answered as VOD answers a deleted video's ID. Each media taken gets one
// completed task per format asked for (mp4 when none is). It spends no
// quota: whether the service does is not documented.
func (c *Client) RefreshMediaPlayUrls(_ context.Context, ids []string, o vod.MediaOptions) (vod.MediaReply, error) {
	if err := c.begin("RefreshMediaPlayUrls", vod.TypeMedia, ids); err != nil {
		return vod.MediaReply{}, err
	}
	if len(ids) == 0 || len(ids) > vod.MaxMediaBatch {
		return vod.MediaReply{}, &vod.APIError{Action: "RefreshMediaPlayUrls", Code: "InvalidParameter", HTTPStatus: 400,
			Message: fmt.Sprintf("%d media IDs, 1 to %d allowed", len(ids), vod.MaxMediaBatch)}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	formats := o.Formats
	if len(formats) == 0 {
		formats = []string{"mp4"}
	}
	reply := vod.MediaReply{JobID: "mem-job-" + strconv.Itoa(len(c.jobs)+1), RequestID: "mem-media"}
	var jobs []vod.MediaJob
	for _, id := range ids {
		if c.NonExist[id] {
			reply.NonExist = append(reply.NonExist, id)
			continue
		}
		var urls []string
		for _, f := range formats {
			urls = append(urls, "https://mem.example/"+id+"/play."+f)
		}
		jobs = append(jobs, vod.MediaJob{JobID: reply.JobID, MediaID: id, Status: "Success", SuccessPlayURLs: urls,
			TaskIDs: c.newTasks(urls, "File")})
	}
	c.jobs = append(c.jobs, jobs)
	c.media = append(c.media, ids...)
	return reply, nil
}

// GetMediaRefreshJobs answers the media of a job RefreshMediaPlayUrls made.
func (c *Client) GetMediaRefreshJobs(_ context.Context, jobID string) ([]vod.MediaJob, error) {
	if err := c.begin("GetMediaRefreshJobs", "", nil); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := strconv.Atoi(strings.TrimPrefix(jobID, "mem-job-"))
	if err != nil || n < 1 || n > len(c.jobs) {
		return nil, nil
	}
	return append([]vod.MediaJob(nil), c.jobs[n-1]...), nil
}

// Media returns the media IDs of every RefreshMediaPlayUrls call, in order.
func (c *Client) Media() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.media...)
}
