package vod_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

// fakeDomains is n online domains d0.vodrefresh-demo.cn, d1...
func fakeDomains(n int) []vodfake.Domain {
	out := make([]vodfake.Domain, n)
	for i := range out {
		out[i] = vodfake.Domain{Name: fmt.Sprintf("d%d.vodrefresh-demo.cn", i)}
	}
	return out
}

// Domains reads every domain of the account through the SDK, signed as
// the fake checks, 50 a page: one call for up to 50 domains, one more
// for each 50 after.
func TestDomainsPages(t *testing.T) {
	for _, tt := range []struct {
		domains int
		calls   int
	}{{0, 1}, {3, 1}, {50, 1}, {51, 2}, {120, 3}} {
		t.Run(fmt.Sprint(tt.domains), func(t *testing.T) {
			srv, c := fakeClient(t)
			srv.SetDomains(fakeDomains(tt.domains)...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			got, err := c.Domains(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.domains {
				t.Fatalf("%d domains, want %d", len(got), tt.domains)
			}
			for i, d := range got {
				if d.Name != fmt.Sprintf("d%d.vodrefresh-demo.cn", i) || d.Status != vod.DomainOnline || d.Cname == "" {
					t.Errorf("domain %d: %+v", i, d)
				}
			}
			reqs := srv.Requests()
			if len(reqs) != tt.calls || srv.Rejected() != 0 {
				t.Fatalf("%d calls (%d rejected), want %d", len(reqs), srv.Rejected(), tt.calls)
			}
			for i, r := range reqs {
				if r.Action != "DescribeVodUserDomains" || r.SecurityToken == "" || r.Params.Get("PageSize") != "50" || r.Params.Get("PageNumber") != fmt.Sprint(i+1) {
					t.Errorf("call %d: %s %v", i, r.Action, r.Params)
				}
			}
		})
	}
}

// An answer whose domains are not what the API documents is a
// BadResponse; a refused call is the service's error, with no secret in
// its text.
func TestDomainsRefusesBadAnswers(t *testing.T) {
	page := func(name, status string) string {
		return fmt.Sprintf(`{"RequestId":"0A1B2C3D-4E5F-6789-ABCD-EF0123456789","TotalCount":1,"Domains":{"PageData":[{"DomainName":%q,"DomainStatus":%q,"Cname":"x.w.kunlunsl.com"}]}}`, name, status)
	}
	many := `{"RequestId":"0A1B2C3D-4E5F-6789-ABCD-EF0123456789","TotalCount":51,"Domains":{"PageData":[` + strings.Repeat(`{"DomainName":"a.vodrefresh-demo.cn","DomainStatus":"online"},`, 50) +
		`{"DomainName":"a.vodrefresh-demo.cn","DomainStatus":"online"}]}}`
	for _, tt := range []struct {
		name  string
		reply vodfake.Reply
		code  string
		says  string
	}{
		{"a name with a space", vodfake.Reply{Body: page("a b.example.cn", "online")}, vod.CodeMalformedAnswer, "VOD answered DomainName in an unexpected form"},
		{"a name of one label", vodfake.Reply{Body: page("localhost", "online")}, vod.CodeMalformedAnswer, "DomainName"},
		{"a name too long", vodfake.Reply{Body: page(strings.Repeat("a", 64)+".cn", "online")}, vod.CodeMalformedAnswer, "DomainName"},
		{"a status that is not a token", vodfake.Reply{Body: page("a.vodrefresh-demo.cn", "on line")}, vod.CodeMalformedAnswer, "DomainStatus"},
		{"an answer that does not decode", vodfake.Reply{Body: `{"RequestId":"0A1B2C3D-4E5F-6789-ABCD-EF0123456789","TotalCount":1,"Domains":{"PageData":[{"DomainName":"a.vodrefresh-demo.cn","DomainStatus":"on\x"}]}}`}, vod.CodeBadResponse, "the answer is not the API's JSON"},
		{"more than a page", vodfake.Reply{Body: many}, vod.CodeMalformedAnswer, "more domains than a page holds"},
		{"no permission", vodfake.Reply{Status: 403, Code: "Forbidden.RAM", Message: "User not authorized; token {}", Echo: "SecurityToken"}, "Forbidden.RAM", "not authorized"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := fakeClient(t)
			srv.Script("DescribeVodUserDomains", tt.reply)
			got, err := c.Domains(context.Background())
			ae, ok := vod.AsAPIError(err)
			if !ok || ae.Code != tt.code || ae.Action != "DescribeVodUserDomains" || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("domains %+v, error %v; want %s saying %q", got, err, tt.code, tt.says)
			}
			if tok := srv.Requests()[0].SecurityToken; strings.Contains(err.Error(), tok) || (tt.reply.Echo != "" && !strings.Contains(err.Error(), "[redacted]")) {
				t.Errorf("the error holds the security token: %v", err)
			}
		})
	}
}

// IsDomainName takes lower-case host names, and wildcard ones when asked.
func TestIsDomainName(t *testing.T) {
	for _, tt := range []struct {
		s               string
		plain, wildcard bool
	}{
		{"video.vodrefresh-demo.cn", true, true},
		{"xn--fiqs8s.cn", true, true},
		{".vodrefresh-demo.cn", false, true},
		{"*.vodrefresh-demo.cn", false, true},
		{"*vodrefresh-demo.cn", false, false},
		{"Video.vodrefresh-demo.cn", false, false},
		{"-a.cn", false, false},
		{"a..cn", false, false},
		{"cn", false, false},
		{"a.cn:443", false, false},
		{"", false, false},
		{strings.Repeat("a.", 127) + "cn", false, false},
	} {
		if got := vod.IsDomainName(tt.s, false); got != tt.plain {
			t.Errorf("IsDomainName(%q, false) = %v", tt.s, got)
		}
		if got := vod.IsDomainName(tt.s, true); got != tt.wildcard {
			t.Errorf("IsDomainName(%q, true) = %v", tt.s, got)
		}
	}
}
