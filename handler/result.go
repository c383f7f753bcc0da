package handler

import (
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// Result is what an invocation returns: every path, the calls that carried
// it, and every record that was skipped, with the reason.
type Result struct {
	DryRun  bool       `json:"dryRun"`
	Shape   string     `json:"shape"`
	Records int        `json:"records"`
	Calls   []vod.Call `json:"calls"`
	Submission
	Paths []PathStatus `json:"paths,omitempty"`
	// Skipped lists the first refresh.MaxSkipSample records that no rule
	// covers, each with its reason; SkippedCount counts them all, and
	// SkippedReasons counts them by reason.
	Skipped        []refresh.Skip  `json:"skipped,omitempty"`
	SkippedCount   int             `json:"skippedCount,omitempty"`
	SkippedReasons map[string]int  `json:"skippedReasons,omitempty"`
	Prefetch       *PrefetchResult `json:"prefetch,omitempty"` // with prefetch
}

// Submission is what fitting and submitting a plan reported, in both the
// OSS result and the HTTP trigger's answer.
type Submission struct {
	Coalesced []refresh.Coalesced `json:"coalesced,omitempty"`
	Quota     *QuotaInfo          `json:"quota,omitempty"`
	Tasks     []vod.Task          `json:"tasks,omitempty"` // with wait: the tasks' final status
}

// QuotaInfo is the quota an invocation planned with.
type QuotaInfo struct {
	URLRemain     int    `json:"urlRemain"`
	DirRemain     int    `json:"dirRemain"`
	PreloadRemain int    `json:"preloadRemain"`
	Source        string `json:"source"` // api, cache, assumed (a dry run, or no credentials) or unavailable
	Note          string `json:"note,omitempty"`
}

// PrefetchResult is what prefetching did after the refresh.
type PrefetchResult struct {
	Paths   []string       `json:"paths,omitempty"`   // sent to PreloadVodObjectCaches
	TaskIDs []string       `json:"taskIds,omitempty"` // its task IDs
	Skipped []string       `json:"skipped,omitempty"` // not prefetched; see Reason
	Reason  string         `json:"reason,omitempty"`
	Error   *vod.CallError `json:"error,omitempty"` // a failed call; the refresh stands
}

// Path statuses.
const (
	StatusSubmitted = "submitted"
	StatusPlanned   = "planned" // a dry run's
	StatusFailed    = "failed"
	StatusCoalesced = "coalesced"
)

// PathStatus says what became of one path.
type PathStatus struct {
	Path       string `json:"path"`
	ObjectType string `json:"objectType"`
	Status     string `json:"status"`
	TaskID     string `json:"taskId,omitempty"`
	Code       string `json:"code,omitempty"`
	Directory  string `json:"directory,omitempty"` // the directory that covers a coalesced path
}

// account lists every path of the calls, and the file URLs that directories
// covered, with what became of each.
func account(calls []vod.Call, coalesced []refresh.Coalesced) []PathStatus {
	var out []PathStatus
	for _, c := range calls {
		for i, p := range c.Paths {
			ps := PathStatus{Path: p, ObjectType: c.ObjectType}
			switch {
			case c.Sent:
				ps.Status = StatusSubmitted
				if len(c.TaskIDs) == len(c.Paths) {
					ps.TaskID = c.TaskIDs[i]
				} else {
					ps.TaskID = strings.Join(c.TaskIDs, ",")
				}
			case c.Error != nil:
				ps.Status, ps.Code = StatusFailed, c.Error.Code
			default:
				ps.Status = StatusPlanned
			}
			out = append(out, ps)
		}
	}
	for _, co := range coalesced {
		for _, p := range co.Paths {
			kind := config.TypeFile
			if strings.HasSuffix(p, "/") {
				kind = config.TypeDirectory // a planned directory inside another
			}
			out = append(out, PathStatus{Path: p, ObjectType: kind, Status: StatusCoalesced, Directory: co.Directory})
		}
	}
	return out
}

// accountQuota marks every path of a plan that the quota cannot cover as
// failed, not sent.
func accountQuota(p *refresh.Plan) []PathStatus {
	var out []PathStatus
	for _, f := range p.Files {
		out = append(out, PathStatus{Path: f, ObjectType: config.TypeFile, Status: StatusFailed, Code: "QuotaExceeded.Refresh"})
	}
	for _, d := range p.Directories {
		out = append(out, PathStatus{Path: d, ObjectType: config.TypeDirectory, Status: StatusFailed, Code: "QuotaExceeded.Refresh"})
	}
	return out
}
