package vod

import (
	"context"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	vodapi "github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
)

// Task is a refresh or prefetch task as DescribeVodRefreshTasks reports it.
type Task struct {
	TaskID       string `json:"taskId"`
	ObjectPath   string `json:"objectPath"`
	ObjectType   string `json:"objectType"`
	Status       string `json:"status"` // Complete, Refreshing, Failed (older docs: Pending)
	Process      string `json:"process,omitempty"`
	CreationTime string `json:"creationTime,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Done reports whether the task has finished, well or not.
func (t Task) Done() bool { return t.Status == "Complete" || t.Status == "Failed" }

// TaskFilter selects tasks. The API keeps the last 3 days.
type TaskFilter struct {
	TaskID     string // one ID
	ObjectPath string // exact, with scheme
	ObjectType string // file, directory or preload
	Status     string // Complete, Refreshing or Failed
}

// taskPageSize is the largest page DescribeVodRefreshTasks returns.
const taskPageSize = 50

// maxTaskPages bounds the pages read for one filter.
const maxTaskPages = 200

// Tasks reads every task that matches f, page by page.
func (v *SDKClient) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	var out []Task
	for page := 1; page <= maxTaskPages; page++ {
		req := vodapi.CreateDescribeVodRefreshTasksRequest()
		req.TaskId, req.ObjectPath, req.ObjectType, req.Status = f.TaskID, f.ObjectPath, f.ObjectType, f.Status
		req.PageNumber = requests.NewInteger(page)
		req.PageSize = requests.NewInteger(taskPageSize)
		resp, red, err := sdkCall(ctx, v, "DescribeVodRefreshTasks", req, v.client.DescribeVodRefreshTasks)
		if err != nil {
			return out, err
		}
		a := newAnswer("DescribeVodRefreshTasks", resp.GetHttpStatus(), resp.RequestId, red)
		for _, t := range resp.Tasks.Task {
			out = append(out, a.task(t))
		}
		if !a.ok() {
			return nil, a.err
		}
		if len(resp.Tasks.Task) < taskPageSize || int64(page*taskPageSize) >= resp.TotalCount {
			break
		}
	}
	return out, nil
}

// task reads one task of a listing: its ID digits, its status and object
// type of the known sets, its path printable and bounded, its progress
// and time of their forms, and its description redacted.
func (a *answer) task(t vodapi.Task) Task {
	return Task{
		TaskID:       a.match("TaskId", t.TaskId, taskIDForm, false),
		ObjectPath:   a.path("ObjectPath", t.ObjectPath),
		ObjectType:   a.oneOf("ObjectType", t.ObjectType, taskTypes, true),
		Status:       a.oneOf("Status", t.Status, taskStatuses, false),
		Process:      a.match("Process", t.Process, processForm, true),
		CreationTime: a.match("CreationTime", t.CreationTime, timeForm, true),
		Description:  a.text(t.Description),
	}
}

// TasksByID reads the named tasks through c, one query per ID. IDs may be
// given as RefreshVodObjectCaches returns them, comma-joined.
func TasksByID(ctx context.Context, c Client, ids []string) ([]Task, error) {
	var out []Task
	for _, id := range SplitTaskIDs(strings.Join(ids, ",")) {
		ts, err := c.Tasks(ctx, TaskFilter{TaskID: id})
		if err != nil {
			return out, err
		}
		if len(ts) == 0 {
			out = append(out, Task{TaskID: id, Status: "NotFound"})
		}
		out = append(out, ts...)
	}
	return out, nil
}

// MaxPreloadBatch is the most URLs one PreloadVodObjectCaches call takes.
const MaxPreloadBatch = 100
