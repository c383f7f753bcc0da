package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodfake"
)

// submitTwo refreshes the put sample (two URLs) through the CLI and returns
// the comma-joined task IDs as the API returned them.
func submitTwo(t *testing.T, srv *vodfake.Server, env map[string]string) string {
	t.Helper()
	r := runCLI(t, env, "", "invoke", "--send", "../../events/oss-put.json")
	if r.code != 0 {
		t.Fatalf("invoke: %d %s", r.code, r.stderr)
	}
	var res struct {
		Calls []struct {
			TaskIDs []string `json:"taskIds"`
		} `json:"calls"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.Calls) != 1 || len(res.Calls[0].TaskIDs) != 2 {
		t.Fatalf("result %s: %v", r.stdout, err)
	}
	return strings.Join(res.Calls[0].TaskIDs, ",")
}

func TestTasksCommand(t *testing.T) {
	pollStart, pollCap = 5*time.Millisecond, 20*time.Millisecond
	tests := []struct {
		name     string
		statuses [][]string // per task
		args     []string
		code     int
		final    []string
	}{
		{"wait until complete", [][]string{{"Refreshing", "Refreshing", "Complete"}, {"Refreshing", "Complete"}}, []string{"--wait"}, 0, []string{"Complete", "Complete"}},
		{"a failed task", [][]string{{"Refreshing", "Failed"}, {"Complete"}}, []string{"--wait"}, 1, []string{"Failed", "Complete"}},
		{"timed out", [][]string{{"Refreshing"}, {"Complete"}}, []string{"--wait", "--timeout", "500ms"}, 1, []string{"Refreshing", "Complete"}},
		{"no wait", [][]string{{"Refreshing"}, {"Complete"}}, nil, 0, []string{"Refreshing", "Complete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			env := credEnv(t, srv.Endpoint())
			ids := submitTwo(t, srv, env)
			for i, id := range strings.Split(ids, ",") {
				srv.ScriptTaskStatuses(id, tt.statuses[i]...)
			}
			r := runCLI(t, env, "", append([]string{"tasks", "--task-id", ids}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			var got []struct {
				TaskID, Status, ObjectPath string
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%v: %q", err, r.stdout)
			}
			if len(got) != 2 || got[0].Status != tt.final[0] || got[1].Status != tt.final[1] || got[0].ObjectPath != "https://video.example.com/videos/2026/launch.mp4" {
				t.Errorf("tasks %+v, want statuses %v", got, tt.final)
			}
		})
	}
}

func TestTasksFilters(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := credEnv(t, srv.Endpoint())
	// 60 tasks: more than one page of 50.
	for range 30 {
		submitTwo(t, srv, env)
	}
	r := runCLI(t, env, "", "tasks", "--type", "file")
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || r.code != 0 || len(all) != 60 {
		t.Fatalf("exit %d, %d tasks: %v %s", r.code, len(all), err, r.stderr)
	}
	r = runCLI(t, env, "", "tasks", "--path", "https://video-backup.example.com/videos/2026/launch.mp4")
	var one []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &one); err != nil || len(one) != 30 {
		t.Fatalf("by path: %d tasks: %v", len(one), err)
	}
	if r := runCLI(t, env, "", "tasks"); r.code != 2 {
		t.Errorf("no filter: exit %d", r.code)
	}
	if r := runCLI(t, env, "", "tasks", "--wait", "--path", "x"); r.code != 2 {
		t.Errorf("--wait without --task-id: exit %d", r.code)
	}
}
