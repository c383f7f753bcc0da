package cli

import (
	"fmt"
	"strings"
	"testing"

	"vodrefresh/handler/internal/vodfake"
)

// check --account reads the account's VOD domains with one signed,
// read-only call per 50 domains, fails naming each configured domain
// that is not one of them, warns of one that is not online, and gives
// a remedy when VOD refuses the read.
func TestCheckAccount(t *testing.T) {
	others := make([]vodfake.Domain, 60)
	for i := range others {
		others[i] = vodfake.Domain{Name: fmt.Sprintf("other%d.vodrefresh-demo.cn", i)}
	}
	for _, tt := range []struct {
		name    string
		config  string
		domains []vodfake.Domain
		script  []vodfake.Reply
		code    int
		calls   int
		stdout  []string
		stderr  []string // parts of stderr; none when nil
	}{
		{"every domain present and online", "testdata/deploy.yaml",
			[]vodfake.Domain{{Name: "img.vodrefresh-demo.cn"}, {Name: "video.vodrefresh-demo.cn"}}, nil, 0, 1,
			[]string{"ready to deploy", "configured hosts that are online VOD domains of this account: 1 of 1 (it has 2 VOD domains)"}, nil},
		{"one domain missing", "testdata/http-domain.yaml",
			[]vodfake.Domain{{Name: "img.vodrefresh-demo.cn"}}, nil, 1, 1, nil,
			[]string{"not ready to deploy", "domains[1]: video.vodrefresh-demo.cn is not a VOD domain of this account: every refresh of it would fail with IllegalOperation; " +
				"add it in the VOD console (Configuration Management > CDN Configuration > Domain Names) or remove it"}},
		{"no domain at all", "testdata/deploy.yaml", nil, nil, 1, 1, nil,
			[]string{"domains[0]: video.vodrefresh-demo.cn is not a VOD domain of this account"}},
		{"one offline", "testdata/deploy.yaml",
			[]vodfake.Domain{{Name: "video.vodrefresh-demo.cn", Status: "offline"}}, nil, 0, 1,
			[]string{"ready to deploy", "0 of 1"},
			[]string{"warning: domains[0]: video.vodrefresh-demo.cn is a VOD domain of this account, but it is offline (disabled)"}},
		{"under a wildcard domain", "testdata/deploy.yaml",
			[]vodfake.Domain{{Name: ".vodrefresh-demo.cn"}}, nil, 0, 1, []string{"1 of 1"}, nil},
		{"under a wildcard domain being configured", "testdata/deploy.yaml",
			[]vodfake.Domain{{Name: "*.vodrefresh-demo.cn", Status: "configuring"}}, nil, 0, 1, []string{"0 of 1"},
			[]string{"warning: domains[0]: video.vodrefresh-demo.cn is under the wildcard VOD domain *.vodrefresh-demo.cn of this account, but it is configuring"}},
		{"a wildcard covers one level below it, not two", "testdata/deep-host.yaml",
			[]vodfake.Domain{{Name: "*.vodrefresh-demo.cn"}}, nil, 1, 1, nil,
			[]string{"domains[0]: cdn.video.vodrefresh-demo.cn is not a VOD domain of this account: the wildcard VOD domain *.vodrefresh-demo.cn serves only the hosts one level below it"}},
		{"nor two below a dotted wildcard", "testdata/deep-host.yaml",
			[]vodfake.Domain{{Name: ".vodrefresh-demo.cn"}, {Name: "img.vodrefresh-demo.cn"}}, nil, 1, 1, nil,
			[]string{"cdn.video.vodrefresh-demo.cn is not a VOD domain of this account: the wildcard VOD domain .vodrefresh-demo.cn serves only"}},
		{"a wildcard does not cover its apex", "testdata/deploy.yaml",
			[]vodfake.Domain{{Name: ".video.vodrefresh-demo.cn"}}, nil, 1, 1, nil, []string{"video.vodrefresh-demo.cn is not a VOD domain of this account"}},
		{"on the second page", "testdata/deploy.yaml",
			append(others, vodfake.Domain{Name: "video.vodrefresh-demo.cn"}), nil, 0, 2, []string{"1 of 1 (it has 61 VOD domains)"}, nil},
		{"not allowed", "testdata/deploy.yaml", nil,
			[]vodfake.Reply{{Status: 403, Code: "Forbidden.RAM", Message: "User not authorized to operate on the specified resource."}}, 1, 1, nil,
			[]string{"the account's VOD domains could not be read: DescribeVodUserDomains: Forbidden.RAM (HTTP 403)",
				"the credentials lack vod:DescribeVodUserDomains: grant it to the RAM user or role whose keys check uses"}},
		{"an expired token", "testdata/deploy.yaml", nil,
			[]vodfake.Reply{{Status: 400, Code: "InvalidSecurityToken.Expired", Message: "Specified SecurityToken is expired."}}, 1, 1, nil,
			[]string{"InvalidSecurityToken.Expired", "put a fresh one in ALIBABA_CLOUD_SECURITY_TOKEN"}},
		{"a bad answer", "testdata/deploy.yaml", nil,
			[]vodfake.Reply{{Body: `{"RequestId":"0A1B2C3D-4E5F-6789-ABCD-EF0123456789","TotalCount":1,"Domains":{"PageData":[{"DomainName":"<script>","DomainStatus":"online"}]}}`}}, 1, 1, nil,
			[]string{"MalformedAnswer", "VOD answered DomainName in an unexpected form", "VOD's answer was not understood"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			srv.SetDomains(tt.domains...)
			srv.Script("DescribeVodUserDomains", tt.script...)
			env := credEnv(t, srv.Endpoint())
			env["REFRESH_CONFIG_FILE"], env["DEPLOY_WEBHOOK_SECRET"], env["SPACED_WEBHOOK_SECRET"] = tt.config, strongKey, strongKey
			r := runCLI(t, env, "", "check", "--account")
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stdout %q, stderr %q", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout %q does not say %q", r.stdout, w)
				}
			}
			if tt.stderr == nil && r.stderr != "" {
				t.Errorf("stderr %q, want none", r.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not say %q", r.stderr, w)
				}
			}
			if strings.Contains(r.stdout+r.stderr, token) || strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("the output holds a secret: %s %s", r.stdout, r.stderr)
			}
			if n := srv.Calls("DescribeVodUserDomains"); n != tt.calls || len(srv.Requests()) != n || srv.Rejected() != 0 {
				t.Errorf("%d DescribeVodUserDomains calls of %d requests (%d rejected), want %d and nothing else", n, len(srv.Requests()), srv.Rejected(), tt.calls)
			}
		})
	}
}

// Without --account, check sends nothing, whatever the account holds;
// with it but no credentials, it says --account needs them, and sends
// nothing either.
func TestCheckAccountSendsOnlyWhenAsked(t *testing.T) {
	srv := startFake(t)
	srv.SetDomains(vodfake.Domain{Name: "video.vodrefresh-demo.cn"})
	env := credEnv(t, srv.Endpoint())
	env["REFRESH_CONFIG_FILE"], env["DEPLOY_WEBHOOK_SECRET"] = "testdata/deploy.yaml", strongKey
	if r := runCLI(t, env, "", "check"); r.code != 0 || strings.Contains(r.stdout, "account:") {
		t.Errorf("without --account: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"} {
		delete(env, k)
		t.Setenv(k, "")
	}
	r := runCLI(t, env, "", "check", "--account")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "vodrefresh check: --account needs credentials to read the account's VOD domains (DescribeVodUserDomains): set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET") {
		t.Errorf("without credentials: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	requireNoRequests(t, srv)
}
