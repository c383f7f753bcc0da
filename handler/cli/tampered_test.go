package cli

import (
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// tamperToken is the STS token of the tests of tampered answers: long, and
// with the characters that percent-encoding changes.
const tamperToken = "CAIS+cli/tamper=token-0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// tamperEnv is credEnv with tamperToken as the STS token.
func tamperEnv(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	env := credEnv(t, endpoint)
	env["ALIBABA_CLOUD_SECURITY_TOKEN"] = tamperToken
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", tamperToken)
	return env
}

// assertCLINoLeak fails when the command's stdout or stderr holds 20
// characters of the token, the key secret or a signature srv received,
// or when a request did not carry the token.
func assertCLINoLeak(t *testing.T, srv *vodfake.Server, r run) {
	t.Helper()
	secrets := []string{tamperToken, secret}
	for _, req := range srv.Requests() {
		if req.SecurityToken != tamperToken {
			t.Fatalf("a request carried the token %q", req.SecurityToken)
		}
		secrets = append(secrets, req.Params.Get("Signature"))
	}
	for where, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		if leak := testfix.Leak(s, secrets...); leak != "" {
			t.Errorf("%s holds %q", where, leak)
		}
	}
}

// vodrefresh tasks and quota, when VOD answers with a field holding the
// request (the token, the signature, the query string), fail naming the
// field, print nothing of it, and never any of the token or signature; a
// task's description, free text, is printed redacted.
func TestCLITamperedAnswers(t *testing.T) {
	tests := []struct {
		command, action, field string
		names                  string // "" when the command succeeds
	}{
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.TaskId", "TaskId"},
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.ObjectPath", "ObjectPath"},
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.Status", "Status"},
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.ObjectType", "ObjectType"},
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.CreationTime", "CreationTime"},
		{"tasks", "DescribeVodRefreshTasks", "RequestId", "RequestId"},
		{"tasks", "DescribeVodRefreshTasks", "Tasks.Task.Description", ""},
		{"quota", "DescribeVodRefreshQuota", "UrlRemain", "UrlRemain"},
		{"quota", "DescribeVodRefreshQuota", "DirQuota", "DirQuota"},
		{"quota", "DescribeVodRefreshQuota", "PreloadRemain", "PreloadRemain"},
		{"quota", "DescribeVodRefreshQuota", "RequestId", "RequestId"},
	}
	for _, tt := range tests {
		for _, inject := range vodfake.Injections {
			t.Run(tt.command+"/"+tt.field+"/"+inject, func(t *testing.T) {
				srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute, MaxRequests: 20})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				env := tamperEnv(t, srv.Endpoint())
				args := []string{"quota"}
				if tt.command == "tasks" {
					args = []string{"tasks", "--json", "--task-id", submitTwo(t, srv, env)}
				}
				srv.Script(tt.action, vodfake.Tampered(tt.field, inject))
				r := runCLI(t, env, "", args...)
				if srv.Calls(tt.action) == 0 {
					t.Fatalf("no %s call was made", tt.action)
				}
				if tt.names == "" {
					if r.code != 0 || !strings.Contains(r.stdout, "[redacted]") {
						t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
					}
				} else if want := "VOD answered " + tt.names + " in an unexpected form"; r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, want) {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, want)
				}
				assertCLINoLeak(t, srv, r)
			})
		}
	}
}
