package vod

import (
	"context"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	vodapi "github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
)

// Domain is a VOD (accelerated) domain of the account, as
// DescribeVodUserDomains reports it.
type Domain struct {
	Name   string `json:"name"`   // lower case; a wildcard domain starts with "*." or "."
	Status string `json:"status"` // online, offline, configuring, configure_failed, checking, check_failed
	Cname  string `json:"cname,omitempty"`
}

// The statuses DescribeVodUserDomains documents. Others are reported as
// they come, when they are short lower-case tokens.
const (
	DomainOnline          = "online"
	DomainOffline         = "offline"
	DomainConfiguring     = "configuring"
	DomainConfigureFailed = "configure_failed"
	DomainChecking        = "checking"
	DomainCheckFailed     = "check_failed"
)

// DomainLister reads the account's VOD domains. It is apart from Client
// because the function never calls it: only check --account does, with
// the operator's credentials.
type DomainLister interface {
	Domains(ctx context.Context) ([]Domain, error)
}

var _ DomainLister = (*SDKClient)(nil)

// domainPageSize is the largest page DescribeVodUserDomains returns.
const domainPageSize = 50

// MaxDomainPages bounds the pages Domains reads: 2500 domains, far more
// than an account has.
const MaxDomainPages = 50

// Domains reads every VOD domain of the account, page by page: one call
// for an account of up to 50 domains. An answer whose fields are not what
// the API documents is an *APIError of CodeMalformedAnswer; an account with
// more than MaxDomainPages pages of domains is an error too, since a list
// cut short would name present domains missing.
func (v *SDKClient) Domains(ctx context.Context) ([]Domain, error) {
	const action = "DescribeVodUserDomains"
	var out []Domain
	seen := map[string]bool{}
	for page := 1; page <= MaxDomainPages; page++ {
		req := vodapi.CreateDescribeVodUserDomainsRequest()
		req.PageNumber = requests.NewInteger(page)
		req.PageSize = requests.NewInteger(domainPageSize)
		resp, red, err := sdkCall(ctx, v, action, req, v.client.DescribeVodUserDomains)
		if err != nil {
			return nil, err
		}
		a := newAnswer(action, resp.GetHttpStatus(), resp.RequestId, red)
		if len(resp.Domains.PageData) > domainPageSize {
			a.fail("Domains.PageData (more domains than a page holds)")
		}
		for _, d := range resp.Domains.PageData {
			name, status, cname := strings.ToLower(d.DomainName), strings.ToLower(d.DomainStatus), strings.ToLower(d.Cname)
			if field := domainShape(name, status, cname); field != "" {
				a.fail(field)
			}
			if !a.ok() {
				break
			}
			if !seen[name] { // a domain added while paging shifts the pages
				seen[name] = true
				out = append(out, Domain{Name: name, Status: status, Cname: cname})
			}
		}
		if !a.ok() {
			return nil, a.err
		}
		if len(resp.Domains.PageData) < domainPageSize || int64(page*domainPageSize) >= resp.TotalCount {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: the account has more than %d domains, more than vodrefresh reads: a list cut short would name some missing", action, MaxDomainPages*domainPageSize)
}

// domainShape names the field of a domain of the answer that is not of
// its form, or returns "": its name must be a host name (a wildcard one
// may start with "*." or "."), its status a short token, its CNAME empty
// or a host name; all lower case.
func domainShape(name, status, cname string) string {
	switch {
	case !IsDomainName(name, true):
		return "DomainName"
	case !isToken(status):
		return "DomainStatus"
	case cname != "" && !IsDomainName(cname, false):
		return "Cname"
	}
	return ""
}

// IsDomainName reports whether s is a lower-case host name of at most 253
// characters: dot-separated labels of letters, digits and inner hyphens,
// each at most 63 long, with at least two labels. With wildcard, a
// leading "*." or "." is allowed too.
func IsDomainName(s string, wildcard bool) bool {
	if wildcard {
		if rest, ok := strings.CutPrefix(s, "*."); ok {
			s = rest
		} else if rest, ok := strings.CutPrefix(s, "."); ok {
			s = rest
		}
	}
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !runOf(l, 1, 63, func(c byte) bool { return c >= 'a' && c <= 'z' || isDigit(c) || c == '-' }) || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	return true
}

// isToken reports whether s is a status as the API spells them: 1 to 32
// lower-case letters and underscores.
func isToken(s string) bool {
	return runOf(s, 1, 32, func(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' })
}
