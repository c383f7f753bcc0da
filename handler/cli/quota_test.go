package cli

import (
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodfake"
)

// quota's timeout is the one the SDK holds each call to: 10 s by default,
// and no longer; a shorter one is kept.
func TestQuotaTimeout(t *testing.T) {
	if r := runCLI(t, nil, "", "quota", "--help"); r.code != 0 || !strings.Contains(r.stdout, "usage: vodrefresh quota [--timeout 10s]") || !strings.Contains(r.stdout, "(default 10s)") {
		t.Errorf("help: exit %d, %s", r.code, r.stdout)
	}
	for _, tt := range []struct {
		timeout, stderr string
		code            int
	}{
		{"15s", "--timeout 15s: want more than 0 and at most 10s", 2},
		{"0s", "--timeout 0s", 2},
		{"300ms", "Timeout", 1},
	} {
		t.Run(tt.timeout, func(t *testing.T) {
			srv := startFake(t)
			srv.Script("DescribeVodRefreshQuota", vodfake.Reply{Delay: 5 * time.Second})
			r := runCLI(t, credEnv(t, srv.Endpoint()), "", "quota", "--timeout", tt.timeout)
			if r.code != tt.code || r.stdout != "" || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", r.code, r.stdout, r.stderr, tt.code, tt.stderr)
			}
			if n := srv.Calls("DescribeVodRefreshQuota"); tt.code == 2 && n != 0 {
				t.Errorf("a refused --timeout still called VOD %d times", n)
			}
		})
	}
}
