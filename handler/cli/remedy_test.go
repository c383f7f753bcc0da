package cli

import (
	"strings"
	"testing"

	"vodrefresh/handler/internal/vodfake"
)

// quota and tasks follow a failed call with what to do about it.
func TestOperatorCommandsSayWhatToDo(t *testing.T) {
	commands := []struct {
		action string
		args   []string
	}{
		{"DescribeVodRefreshQuota", []string{"quota"}},
		{"DescribeVodRefreshTasks", []string{"tasks", "--status", "Failed", "--type", "file"}},
	}
	replies := []struct {
		name  string
		reply vodfake.Reply
		fix   string // {action} stands for the command's action
	}{
		{"no permission", vodfake.Reply{Status: 403, Code: "Forbidden.RAM", Message: "denied"}, "lacks vod:{action}: grant it"},
		{"an expired token", vodfake.Reply{Status: 400, Code: "InvalidSecurityToken.Expired", Message: "expired"}, "get fresh credentials"},
		{"an unknown key", vodfake.Reply{Status: 404, Code: "InvalidAccessKeyId.NotFound", Message: "no key"}, "check ALIBABA_CLOUD_ACCESS_KEY_ID"},
		{"throttled", vodfake.Reply{Status: 503, Code: "Throttling", Message: "slow down"}, "run the command again in a minute"},
		{"not activated", vodfake.Reply{Status: 403, Code: "OperationDenied", Message: "no"}, "activate it"},
		{"an unknown code", vodfake.Reply{Status: 400, Code: "Something.New", Message: "what"}, "run the command again in a minute"},
	}
	for _, c := range commands {
		for _, tt := range replies {
			t.Run(c.args[0]+"/"+tt.name, func(t *testing.T) {
				srv := startFake(t)
				srv.Script(c.action, tt.reply, tt.reply, tt.reply, tt.reply)
				r := runCLI(t, credEnv(t, srv.Endpoint()), "", c.args...)
				want := strings.ReplaceAll(tt.fix, "{action}", c.action)
				_, fix, _ := strings.Cut(r.stderr, "\n  what to do: ")
				if r.code != 1 || !strings.Contains(r.stderr, tt.reply.Code) || !strings.Contains(fix, want) {
					t.Errorf("exit %d, stderr %q; want 1, the code, and what to do: %q", r.code, r.stderr, want)
				}
			})
		}
	}
}
