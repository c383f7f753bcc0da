package vodfake

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// mediaJob is a RefreshMediaPlayUrls job the fake remembers: per media,
// its play URLs and their refresh tasks.
type mediaJob struct {
	id       string
	media    []string
	urls     map[string][]string // by media ID
	tasks    map[string][]string // by media ID
	statuses []string            // the next statuses to report; the last one sticks
}

// SetNonExistent makes the media IDs unknown to the fake, as a deleted
// video is: RefreshMediaPlayUrls lists them in NonExistMediaIds.
func (s *Server) SetNonExistent(ids ...string) { s.mark(&s.nonExist, ids) }

// SetForbidden makes the media IDs ones RefreshMediaPlayUrls lists in
// ForbiddenMediaIds.
func (s *Server) SetForbidden(ids ...string) { s.mark(&s.forbidden, ids) }

// mark adds ids to the set.
func (s *Server) mark(set *map[string]bool, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *set == nil {
		*set = map[string]bool{}
	}
	for _, id := range ids {
		(*set)[id] = true
	}
}

// ScriptMediaJobs sets the statuses that media jobs created from now on
// report to GetMediaRefreshJobs, each query the next one, the last one
// sticking. With none, a job reports Success at once.
func (s *Server) ScriptMediaJobs(statuses ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobStatuses = append([]string(nil), statuses...)
}

// refreshMedia answers RefreshMediaPlayUrls: at most 20 media IDs, TaskType
// Refresh or Preload. Each media that exists gets one play URL per format
// and definition asked for (mp4 and SD when none is), each a refresh task
// DescribeVodRefreshTasks reports. It spends no quota: whether the service
// does is not documented.
func (s *Server) refreshMedia(p url.Values) (int, any) {
	ids := strings.FieldsFunc(p.Get("MediaIds"), func(r rune) bool { return r == ',' })
	tt := p.Get("TaskType")
	if len(ids) == 0 || tt == "" {
		return 400, errorBody("MissingParameter", "MediaIds and TaskType are required")
	}
	if len(ids) > 20 || (tt != "Refresh" && tt != "Preload") {
		return 400, errorBody("InvalidParameter", "at most 20 MediaIds; TaskType is Refresh or Preload")
	}
	if n := p.Get("SliceCount"); n != "" {
		if c, err := strconv.Atoi(n); err != nil || c < 1 || c > 20 {
			return 400, errorBody("InvalidParameter", "SliceCount is 1 to 20")
		}
	}
	formats, defs := list(p.Get("Formats"), "mp4"), list(p.Get("Definitions"), "SD")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextJob++
	job := &mediaJob{id: "mrj" + strconv.FormatInt(s.nextJob, 10), urls: map[string][]string{}, tasks: map[string][]string{},
		statuses: []string{"Success"}}
	if len(s.jobStatuses) > 0 {
		job.statuses = slices.Clone(s.jobStatuses)
	}
	var nonExist, forbidden []string
	for _, id := range ids {
		switch {
		case s.nonExist[id]:
			nonExist = append(nonExist, id)
		case s.forbidden[id]:
			forbidden = append(forbidden, id)
		default:
			var urls []string
			for _, f := range formats {
				for _, d := range defs {
					urls = append(urls, "https://vod.fake.example/"+id+"/"+strings.ToLower(d)+"."+f)
				}
			}
			job.media = append(job.media, id)
			job.urls[id], job.tasks[id] = urls, s.newTasks(urls, "file")
		}
	}
	s.jobs = append(s.jobs, job)
	return 200, map[string]any{"MediaRefreshJobId": job.id, "NonExistMediaIds": strings.Join(nonExist, ","),
		"ForbiddenMediaIds": strings.Join(forbidden, ","), "RequestId": requestID()}
}

// mediaJobs answers GetMediaRefreshJobs for a job, or one media of it.
func (s *Server) mediaJobs(p url.Values) (int, any) {
	id := p.Get("MediaRefreshJobId")
	if id == "" {
		return 400, errorBody("MissingParameter", "MediaRefreshJobId is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, j := range s.jobs {
		if j.id != id {
			continue
		}
		status := j.statuses[0]
		if len(j.statuses) > 1 {
			j.statuses = j.statuses[1:]
		}
		for _, m := range j.media {
			if want := p.Get("MediaId"); want != "" && want != m {
				continue
			}
			out = append(out, map[string]any{"MediaRefreshJobId": j.id, "MediaId": m, "TaskType": "Refresh", "Status": status,
				"SuccessPlayUrls": strings.Join(j.urls[m], ","), "TaskIds": strings.Join(j.tasks[m], ","),
				"GmtCreate": "2025-01-01T00:00:00Z", "GmtModified": "2025-01-01T00:00:00Z"})
		}
	}
	return 200, map[string]any{"RequestId": requestID(), "MediaRefreshJobs": out}
}

// list splits a comma-separated parameter, or returns def for an empty one.
func list(s, def string) []string {
	out := slices.DeleteFunc(strings.Split(s, ","), func(v string) bool { return strings.TrimSpace(v) == "" })
	if len(out) == 0 {
		return []string{def}
	}
	return out
}
