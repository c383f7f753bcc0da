package vod

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	vodapi "github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
)

// MaxMediaBatch is the most media IDs one RefreshMediaPlayUrls call takes.
const MaxMediaBatch = 20

// MaxSliceCount is the most HLS segments per playlist that
// RefreshMediaPlayUrls refreshes beside it (SliceCount).
const MaxSliceCount = 20

// MediaOptions say which play URLs of each media RefreshMediaPlayUrls
// refreshes: the formats and definitions (none: all), and how many HLS
// segments of each m3u8 playlist besides it (SliceFlag and SliceCount; 0:
// the playlist alone). ResultType is always Single: the newest stream of
// each format and definition, the one a player is given.
type MediaOptions struct {
	Formats     []string `json:"formats,omitempty"`
	Definitions []string `json:"definitions,omitempty"`
	Slices      int      `json:"slices,omitempty"`
}

// MediaReply is what a RefreshMediaPlayUrls call answered: the job, and
// the media it did not take.
type MediaReply struct {
	JobID     string
	NonExist  []string // unknown to VOD: deleted, or never there
	Forbidden []string // in a state that cannot be refreshed
	RequestID string
}

// MediaJob is one media of a refresh job, as GetMediaRefreshJobs reports it.
type MediaJob struct {
	JobID           string   `json:"jobId"`
	MediaID         string   `json:"mediaId"`
	Status          string   `json:"status"`
	SuccessPlayURLs []string `json:"successPlayUrls,omitempty"`
	TaskIDs         []string `json:"taskIds,omitempty"`
	ErrorCode       string   `json:"errorCode,omitempty"`
	ErrorMessage    string   `json:"errorMessage,omitempty"`
}

// RefreshMediaPlayUrls submits one RefreshMediaPlayUrls call (TaskType
// Refresh) for at most MaxMediaBatch media IDs.
func (v *SDKClient) RefreshMediaPlayUrls(ctx context.Context, ids []string, o MediaOptions) (MediaReply, error) {
	req := vodapi.CreateRefreshMediaPlayUrlsRequest()
	req.MediaIds, req.TaskType, req.ResultType = strings.Join(ids, ","), "Refresh", "Single"
	req.Formats, req.Definitions = strings.Join(o.Formats, ","), strings.Join(o.Definitions, ",")
	if o.Slices > 0 {
		req.SliceFlag, req.SliceCount = requests.NewBoolean(true), requests.NewInteger(min(o.Slices, MaxSliceCount))
	}
	resp, red, err := sdkCall(ctx, v, "RefreshMediaPlayUrls", req, v.client.RefreshMediaPlayUrls)
	if err != nil {
		return MediaReply{}, err
	}
	a := newAnswer("RefreshMediaPlayUrls", resp.GetHttpStatus(), resp.RequestId, red)
	reply := MediaReply{JobID: a.match("MediaRefreshJobId", resp.MediaRefreshJobId, idForm, false),
		NonExist: a.ids("NonExistMediaIds", resp.NonExistMediaIds), Forbidden: a.ids("ForbiddenMediaIds", resp.ForbiddenMediaIds)}
	if !a.ok() {
		return MediaReply{}, a.err
	}
	reply.RequestID = a.requestID
	return reply, nil
}

// GetMediaRefreshJobs reads the media of a RefreshMediaPlayUrls job.
func (v *SDKClient) GetMediaRefreshJobs(ctx context.Context, jobID string) ([]MediaJob, error) {
	req := vodapi.CreateGetMediaRefreshJobsRequest()
	req.MediaRefreshJobId = jobID
	resp, red, err := sdkCall(ctx, v, "GetMediaRefreshJobs", req, v.client.GetMediaRefreshJobs)
	if err != nil {
		return nil, err
	}
	a := newAnswer("GetMediaRefreshJobs", resp.GetHttpStatus(), resp.RequestId, red)
	out := make([]MediaJob, 0, len(resp.MediaRefreshJobs))
	for _, j := range resp.MediaRefreshJobs {
		out = append(out, MediaJob{
			JobID:           a.match("MediaRefreshJobId", j.MediaRefreshJobId, idForm, true),
			MediaID:         a.match("MediaId", j.MediaId, idForm, false),
			Status:          a.match("Status", j.Status, wordForm, false),
			SuccessPlayURLs: a.urls("SuccessPlayUrls", j.SuccessPlayUrls),
			TaskIDs:         a.taskIDs("TaskIds", j.TaskIds),
			ErrorCode:       a.match("ErrorCode", j.ErrorCode, codeForm, true),
			ErrorMessage:    a.text(j.ErrorMessage),
		})
	}
	if !a.ok() {
		return nil, a.err
	}
	return out, nil
}

// SendMedia makes one RefreshMediaPlayUrls call for at most MaxMediaBatch
// media IDs, retried as Send retries. The call's Paths are the IDs VOD
// took; those it did not are in NonExist and Forbidden. perMedia is what
// the quota counts for each media taken: URLs is that many per ID.
func SendMedia(ctx context.Context, c Client, ids []string, o MediaOptions, perMedia int, b Backoff) Call {
	call := &Call{ObjectType: TypeMedia, Paths: ids, Media: &o, URLs: len(ids) * perMedia}
	retry(ctx, call, b.orDefault(), "RefreshMediaPlayUrls", func() error {
		reply, err := c.RefreshMediaPlayUrls(ctx, ids, o)
		call.JobID, call.RequestID, call.NonExist, call.Forbidden = reply.JobID, reply.RequestID, reply.NonExist, reply.Forbidden
		return err
	})
	if call.Sent {
		call.Paths = slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
			return slices.Contains(call.NonExist, id) || slices.Contains(call.Forbidden, id)
		})
		call.URLs = len(call.Paths) * perMedia
	}
	return *call
}

// MediaDone reports whether a media job's status is final, and whether
// it failed. GetMediaRefreshJobs documents no list of statuses: any that
// starts with "fail" failed, and Success, Succeed and Complete are done.
func MediaDone(status string) (done, failed bool) {
	s := strings.ToLower(status)
	failed = strings.HasPrefix(s, "fail")
	return failed || s == "success" || s == "succeed" || s == "complete", failed
}

// FollowMedia reads the media of the jobs (GetMediaRefreshJobs) once, or,
// with wait, until each is done or ctx's deadline is near, pausing as
// b.Poll says. Each media is reported as a Task of ObjectType "media":
// its job ID, the media ID as ObjectPath, the job's status, and its
// refresh task IDs (one per play URL) in Description. It also returns those
// task IDs, which DescribeVodRefreshTasks reports on (see WaitTasks). A
// failed query ends the follow-up without an error: the refresh went
// through, only its status is unknown.
func FollowMedia(ctx context.Context, c Client, jobIDs []string, wait bool, b Backoff) (tasks []Task, taskIDs []string) {
	if len(jobIDs) == 0 {
		return nil, nil
	}
	poll(ctx, b, func() bool {
		tasks, taskIDs = nil, nil
		done := true
		for _, id := range jobIDs {
			jobs, err := c.GetMediaRefreshJobs(ctx, id)
			if err != nil {
				tasks = append(tasks, Task{TaskID: id, ObjectType: "media", Status: "Unknown", Description: callError(err).Code})
				return true
			}
			for _, j := range jobs {
				d, _ := MediaDone(j.Status)
				done = done && d
				desc := strings.Join(j.TaskIDs, ",")
				if j.ErrorCode != "" {
					desc = strings.TrimPrefix(desc+"; "+j.ErrorCode+": "+j.ErrorMessage, "; ")
				}
				tasks = append(tasks, Task{TaskID: cmp.Or(j.JobID, id), ObjectPath: j.MediaID, ObjectType: "media", Status: j.Status, Description: desc})
				taskIDs = append(taskIDs, j.TaskIDs...)
			}
		}
		return done || !wait
	})
	return tasks, taskIDs
}
