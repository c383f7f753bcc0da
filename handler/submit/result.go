package submit

import (
	"cmp"
	"strings"
	"time"

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
	// Paths lists every path sent or planned, with what became of it;
	// the paths that a directory covers are in Coalesced instead. It lists
	// MaxListed at most: PathsCount and PathsByStatus count them all.
	Paths         []PathStatus   `json:"paths,omitempty"`
	PathsCount    int            `json:"pathsCount"`
	PathsByStatus map[string]int `json:"pathsByStatus,omitempty"`
	// Skipped lists the first refresh.MaxSkipSample records that no rule
	// covers, each with its reason; SkippedCount counts them all, and
	// SkippedReasons counts them by reason.
	Skipped        []refresh.Skip  `json:"skipped,omitempty"`
	SkippedCount   int             `json:"skippedCount,omitempty"`
	SkippedReasons map[string]int  `json:"skippedReasons,omitempty"`
	Prefetch       *PrefetchResult `json:"prefetch,omitempty"` // with prefetch
	// Pending is how many changes wait for the planner of scarce days,
	// when the invocation deferred its own or planned the backlog.
	Pending int `json:"pending,omitempty"`
	// DeferredUntil, when set, is the quota reset that the backlog waits
	// for: today can carry no more of it.
	DeferredUntil *time.Time `json:"deferredUntil,omitempty"`
	// Planner is what a run of the planner of scarce days decided.
	Planner *PlannerRun `json:"planner,omitempty"`
}

// PlannerRun is what one run of the planner of scarce days decided.
type PlannerRun struct {
	Directories int    `json:"directories"` // folders refreshed as one directory each
	Covered     int    `json:"covered"`     // the pending changes those directories cover
	URLs        int    `json:"urls"`        // paths refreshed as URLs
	Waiting     int    `json:"waiting"`     // changes left for a later run
	Note        string `json:"note,omitempty"`
	// Tasks is what became of the refresh tasks followed.
	Tasks *TaskRun `json:"tasks,omitempty"`
	// Error is why the run failed; what it did not send stays pending for
	// the next run.
	Error string `json:"error,omitempty"`
}

// TaskRun is what a run of the planner found of the refresh tasks it
// follows: ended well, still under way, failed and refreshed again once,
// and failed for good (their refresh again failed too).
type TaskRun struct {
	Done    int `json:"done"`
	Open    int `json:"open"`
	Retried int `json:"retried"`
	Failed  int `json:"failed"`
}

// Submission is what fitting and submitting a plan reported, in both the
// OSS result and the HTTP trigger's answer.
type Submission struct {
	// Coalesced lists each directory refreshed in place of file URLs, with
	// the URLs it covers.
	Coalesced []refresh.Coalesced `json:"coalesced,omitempty"`
	Quota     *QuotaInfo          `json:"quota,omitempty"`
	Tasks     []vod.Task          `json:"tasks,omitempty"` // with wait: the tasks' final status
	// Store, when set, says that the shared store could not be reached and
	// what ran in this instance's memory instead.
	Store string `json:"store,omitempty"`
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
)

// PathStatus says what became of one path.
type PathStatus struct {
	Path       string `json:"path"`
	ObjectType string `json:"objectType"`
	Status     string `json:"status"`
	TaskID     string `json:"taskId,omitempty"`
	Code       string `json:"code,omitempty"`
}

// account lists every path of the calls with what became of each. The
// paths that directories cover are listed once, in Coalesced, not here.
func account(calls []vod.Call) []PathStatus {
	n := 0
	for _, c := range calls {
		n += len(c.Paths)
	}
	out := make([]PathStatus, 0, n)
	for _, c := range calls {
		joined := cmp.Or(strings.Join(c.TaskIDs, ","), c.JobID)
		for i, p := range c.Paths {
			ps := PathStatus{Path: p, ObjectType: c.ObjectType}
			switch {
			case c.Sent:
				ps.Status, ps.TaskID = StatusSubmitted, joined
				if len(c.TaskIDs) == len(c.Paths) {
					ps.TaskID = c.TaskIDs[i]
				}
			case c.Error != nil:
				ps.Status, ps.Code = StatusFailed, c.Error.Code
			default:
				ps.Status = StatusPlanned
			}
			out = append(out, ps)
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
	for _, m := range p.Media {
		out = append(out, PathStatus{Path: m.ID, ObjectType: config.TypeMedia, Status: StatusFailed, Code: "QuotaExceeded.Refresh"})
	}
	return out
}

// TaskIDs lists the task IDs of the result's calls, in order.
func (r *Result) TaskIDs() []string { return taskIDs(r.Calls) }

// MaxListed bounds how many paths a result lists, in each of Paths, the
// calls and the coalesced directories, so that the answer to a crafted
// event of hundreds of thousands of records stays small: each list keeps
// its first paths, and the counts stay whole.
const MaxListed = 10000

// bound counts the result's paths and cuts its lists to MaxListed paths
// each. It runs last: the lists are used whole before it.
func (r *Result) bound() {
	r.PathsCount = len(r.Paths)
	r.PathsByStatus = make(map[string]int, 3)
	for _, p := range r.Paths {
		r.PathsByStatus[p.Status]++
	}
	if len(r.Paths) > MaxListed {
		r.Paths = r.Paths[:MaxListed:MaxListed]
	}
	left := MaxListed
	calls := make([]vod.Call, len(r.Calls))
	for i, c := range r.Calls {
		c.Count = len(c.Paths)
		c.Paths, left = first(c.Paths, left)
		calls[i] = c
	}
	r.Calls = calls
	left = MaxListed
	coalesced := make([]refresh.Coalesced, len(r.Coalesced))
	for i, co := range r.Coalesced {
		co.Count = len(co.Paths)
		co.Paths, left = first(co.Paths, left)
		coalesced[i] = co
	}
	if r.Coalesced != nil {
		r.Coalesced = coalesced
	}
}

// first returns the first of paths that left allows, and what is left.
func first(paths []string, left int) ([]string, int) {
	n := min(len(paths), left)
	return paths[:n:n], left - n
}
