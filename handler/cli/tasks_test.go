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

// Flags the API would not understand are refused before anything is sent;
// --status and --type are spelled as the API does, in any case.
func TestTasksFlagsCheckedFirst(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
		params map[string]string // sent to DescribeVodRefreshTasks, for a good call
	}{
		{[]string{"--status", "Done"}, 2, `--status "Done": want one of Complete, Refreshing, Failed`, nil},
		{[]string{"--type", "files"}, 2, `--type "files": want one of file, directory, preload`, nil},
		{[]string{"--path", "video.example.com/a.mp4"}, 2, `--path "video.example.com/a.mp4": want the exact URL`, nil},
		{[]string{"--path", "ftp://video.example.com/a.mp4"}, 2, "--path", nil},
		{[]string{"--path", "https://video.example.com/a b.mp4"}, 2, "--path", nil},
		{[]string{"--path", "https://"}, 2, "--path", nil},
		{[]string{"--wait", "--path", "https://video.example.com/a.mp4"}, 2, "--wait follows the tasks named by --task-id", nil},
		{nil, 2, "name tasks with", nil},
		// DescribeVodRefreshTasks requires ObjectType with Status.
		{[]string{"--status", "Complete"}, 2, "--status needs --type", nil},
		{[]string{"--status", "failed", "--type", "FILE"}, 0, "", map[string]string{"Status": "Failed", "ObjectType": "file"}},
		{[]string{"--path", "https://video.example.com/videos/2026/launch.mp4"}, 0, "", map[string]string{"ObjectPath": "https://video.example.com/videos/2026/launch.mp4"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			srv := startFake(t)
			r := runCLI(t, credEnv(t, srv.Endpoint()), "", append([]string{"tasks"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			if tt.code != 0 {
				if r.stdout != "" {
					t.Errorf("stdout %q", r.stdout)
				}
				requireNoRequests(t, srv)
				return
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || r.stdout != "[]\n" {
				t.Fatalf("%d requests, stdout %q", len(reqs), r.stdout)
			}
			for k, v := range tt.params {
				if got := reqs[0].Params.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// When the call fails, stdout stays empty: a script must not read "no
// tasks" from a call that never answered.
func TestTasksFailurePrintsNothing(t *testing.T) {
	tests := []struct {
		name   string
		reply  *vodfake.Reply // scripted for DescribeVodRefreshTasks; nil: nothing listens
		args   []string
		stderr string
	}{
		{"connection refused", nil, nil, "Transport"},
		{"connection dropped", &vodfake.Reply{Drop: true}, nil, "Transport"},
		{"no answer in time", &vodfake.Reply{Delay: 5 * time.Second}, []string{"--timeout", "300ms"}, "Timeout"},
		{"an API error", &vodfake.Reply{Status: 403, Code: "Forbidden.RAM", Message: "denied"}, nil, "Forbidden.RAM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			endpoint := "http://" + freeAddr(t)
			if tt.reply != nil {
				srv := startFake(t)
				srv.Script("DescribeVodRefreshTasks", *tt.reply, *tt.reply)
				endpoint = srv.Endpoint()
			}
			args := append([]string{"tasks", "--status", "Failed", "--type", "file"}, tt.args...)
			r := runCLI(t, credEnv(t, endpoint), "", args...)
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing and %q", r.code, r.stdout, r.stderr, tt.stderr)
			}
		})
	}
}
