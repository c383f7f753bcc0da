package vodfake

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SetTaskStatus fixes the status a task reports from now on.
func (s *Server) SetTaskStatus(taskID, status string) {
	s.ScriptTaskStatuses(taskID, status)
}

// ScriptTaskStatuses sets the statuses a task reports: each describe that
// returns it takes the next one, and the last one sticks.
func (s *Server) ScriptTaskStatuses(taskID string, statuses ...string) {
	if len(statuses) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tasks {
		if t.id == taskID {
			t.statuses = append([]string(nil), statuses...)
		}
	}
}

// ScriptNewTasks sets the statuses that tasks created from now on report,
// as ScriptTaskStatuses does for one task. With none, new tasks are
// Complete at once.
func (s *Server) ScriptNewTasks(statuses ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.newStatuses = append([]string(nil), statuses...)
}

// describeTasks answers DescribeVodRefreshTasks with paging and filters.
func (s *Server) describeTasks(p url.Values) (int, any) {
	if (p.Get("Status") != "" || p.Get("DomainName") != "") && p.Get("ObjectType") == "" {
		return 400, errorBody("MissingObjectType", "ObjectType is mandatory for this action when Status or DomainName is given")
	}
	page, size := atoiOr(p.Get("PageNumber"), 1), atoiOr(p.Get("PageSize"), 20)
	if page < 1 || size < 1 || size > 50 {
		return 400, errorBody("InvalidParameter", "PageNumber must be at least 1 and PageSize 1 to 50")
	}
	ids := map[string]bool{}
	for _, id := range strings.Split(p.Get("TaskId"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids[id] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*task
	for _, t := range s.tasks {
		if (len(ids) > 0 && !ids[t.id]) ||
			(p.Get("ObjectPath") != "" && p.Get("ObjectPath") != t.path) ||
			(p.Get("ObjectType") != "" && !strings.EqualFold(p.Get("ObjectType"), t.kind)) {
			continue
		}
		if st := p.Get("Status"); st != "" && t.statuses[0] != st {
			continue
		}
		match = append(match, t)
	}
	items := []map[string]any{}
	for i := (page - 1) * size; i < len(match) && i < page*size; i++ {
		t := match[i]
		status := t.status()
		process := "100%"
		if status == "Refreshing" || status == "Pending" {
			process = "50%"
		}
		items = append(items, map[string]any{
			"TaskId": t.id, "ObjectPath": t.path, "ObjectType": t.kind, "Status": status,
			"Process": process, "CreationTime": t.created.Format(time.RFC3339), "Description": "",
		})
	}
	return 200, map[string]any{
		"RequestId": requestID(), "PageNumber": page, "PageSize": size, "TotalCount": len(match),
		"Tasks": map[string]any{"Task": items},
	}
}

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
