package vodfake

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// task is a refresh or preload task the fake remembers.
type task struct {
	id       string
	path     string
	kind     string // file, directory or preload
	created  time.Time
	statuses []string // the next statuses to report; the last one sticks
}

func (t *task) status() string {
	s := t.statuses[0]
	if len(t.statuses) > 1 {
		t.statuses = t.statuses[1:]
	}
	return s
}

// act answers an accepted request as the service would.
func (s *Server) act(r Request) (int, any) {
	switch r.Action {
	case "RefreshVodObjectCaches":
		return s.refresh(r)
	case "PreloadVodObjectCaches":
		return s.preload(r)
	case "DescribeVodRefreshQuota":
		return s.quota()
	case "DescribeVodRefreshTasks":
		return s.describeTasks(r.Params)
	case "RefreshMediaPlayUrls":
		return s.refreshMedia(r.Params)
	case "GetMediaRefreshJobs":
		return s.mediaJobs(r.Params)
	case "DescribeVodUserDomains":
		return s.describeDomains(r.Params)
	}
	return 404, errorBody("InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
}

// checkPaths validates paths as the service does.
func checkPaths(paths []string, dirs bool) (int, any, bool) {
	if len(paths) == 0 {
		r := ErrorReply("MissingParameter")
		return r.Status, errorBody(r.Code, r.Message), false
	}
	for _, p := range paths {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (dirs && !strings.HasSuffix(p, "/")) {
			r := ErrorReply("InvalidObjectPath.Malformed")
			return r.Status, errorBody(r.Code, r.Message), false
		}
		if strings.Contains(u.Host, "*") {
			r := ErrorReply("InvalidExtensiveDomain.ValueNotSupported")
			return r.Status, errorBody(r.Code, r.Message), false
		}
	}
	return 0, nil, true
}

func (s *Server) refresh(r Request) (int, any) {
	var dirs bool
	switch r.ObjectType {
	case "", "File":
	case "Directory":
		dirs = true
	default:
		e := ErrorReply("InvalidObjectType.ValueNotSupported")
		return e.Status, errorBody(e.Code, e.Message)
	}
	if status, body, ok := checkPaths(r.Paths, dirs); !ok {
		return status, body
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	left := &s.urlLeft
	kind := "file"
	if dirs {
		left, kind = &s.dirLeft, "directory"
	}
	if len(r.Paths) > *left {
		e := ErrorReply("QuotaExceeded.Refresh")
		return e.Status, errorBody(e.Code, e.Message)
	}
	*left -= len(r.Paths)
	ids := s.newTasks(r.Paths, kind)
	return 200, map[string]any{"RefreshTaskId": strings.Join(ids, ","), "RequestId": requestID()}
}

func (s *Server) preload(r Request) (int, any) {
	if status, body, ok := checkPaths(r.Paths, false); !ok {
		return status, body
	}
	if len(r.Paths) > 100 {
		e := ErrorReply("InvalidObjectPath.Malformed")
		return e.Status, errorBody(e.Code, "at most 100 URLs per preload")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(r.Paths) > s.preLeft {
		e := ErrorReply("QuotaExceeded.Refresh")
		return e.Status, errorBody("QuotaExceeded.Preload", "You've exceeded the prescribed preload limits.")
	}
	s.preLeft -= len(r.Paths)
	ids := s.newTasks(r.Paths, "preload")
	return 200, map[string]any{"PreloadTaskId": strings.Join(ids, ","), "RequestId": requestID()}
}

// newTasks remembers one task per path; mu is held.
func (s *Server) newTasks(paths []string, kind string) []string {
	ids := make([]string, len(paths))
	for i, p := range paths {
		s.nextTask++
		id := strconv.FormatInt(s.nextTask, 10)
		ids[i] = id
		statuses := []string{"Complete"}
		if len(s.newStatuses) > 0 {
			statuses = append([]string(nil), s.newStatuses...)
		}
		s.tasks = append(s.tasks, &task{id: id, path: p, kind: kind, created: time.Now().UTC(), statuses: statuses})
	}
	return ids
}

func (s *Server) quota() (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	itoa := strconv.Itoa
	return 200, map[string]any{
		"RequestId": requestID(),
		"UrlQuota":  itoa(s.opts.URLQuota), "UrlRemain": itoa(s.urlLeft),
		"DirQuota": itoa(s.opts.DirQuota), "DirRemain": itoa(s.dirLeft),
		"PreloadQuota": itoa(s.opts.PreloadQuota), "PreloadRemain": itoa(s.preLeft),
		"BlockQuota": "100", "blockRemain": "100",
	}
}
