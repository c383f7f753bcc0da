package vodfake

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Domain is a VOD (accelerated) domain of the fake's account.
type Domain struct {
	Name   string // such as video.example.com, or .example.com for a wildcard
	Status string // online, offline, configuring, ...; empty means online
	Cname  string // empty means Name under .w.kunlunsl.com
}

// SetDomains sets the account's VOD domains that DescribeVodUserDomains
// lists, in this order; it replaces Options.Domains.
func (s *Server) SetDomains(ds ...Domain) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.domains = slices.Clone(ds)
}

// describeDomains answers DescribeVodUserDomains as the service documents
// it: PageSize 1 to 50 (default 20), PageNumber from 1 (default 1), and
// filters by DomainStatus and by DomainName, matched as DomainSearchType
// says (fuzzy_match, the default, pre_match, suf_match or full_match).
func (s *Server) describeDomains(p url.Values) (int, any) {
	size, ok := intParam(p, "PageSize", 20, 1, 50)
	if !ok {
		return 400, errorBody("InvalidParameter", "PageSize is 1 to 50")
	}
	page, ok := intParam(p, "PageNumber", 1, 1, 1<<20)
	if !ok {
		return 400, errorBody("InvalidParameter", "PageNumber is 1 or more")
	}
	match, ok := nameMatch(p.Get("DomainSearchType"), strings.ToLower(p.Get("DomainName")))
	if !ok {
		return 400, errorBody("InvalidParameter", "DomainSearchType is fuzzy_match, pre_match, suf_match or full_match")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []Domain
	for _, d := range s.domains {
		if d.Status == "" {
			d.Status = "online"
		}
		if match(strings.ToLower(d.Name)) && (p.Get("DomainStatus") == "" || p.Get("DomainStatus") == d.Status) {
			all = append(all, d)
		}
	}
	data := []map[string]any{}
	for _, d := range all[min((page-1)*size, len(all)):min(page*size, len(all))] {
		cname := d.Cname
		if cname == "" {
			cname = strings.TrimPrefix(strings.TrimPrefix(d.Name, "*"), ".") + ".w.kunlunsl.com"
		}
		data = append(data, map[string]any{
			"DomainName": d.Name, "DomainStatus": d.Status, "Cname": cname,
			"GmtCreated": "2025-01-01T00:00:00Z", "GmtModified": "2025-01-01T00:00:00Z",
			"Description": "", "SslProtocol": "on", "Sandbox": "",
			"Sources": map[string]any{"Source": []map[string]any{{"Content": "origin.fake.example", "Type": "domain", "Port": 443, "Priority": "20", "Weight": "10", "Enabled": "online"}}},
		})
	}
	return 200, map[string]any{"RequestId": requestID(), "PageNumber": page, "PageSize": size, "TotalCount": len(all),
		"Domains": map[string]any{"PageData": data}}
}

// intParam reads an integer parameter, def when it is absent.
func intParam(p url.Values, name string, def, lo, hi int) (int, bool) {
	v := p.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= lo && n <= hi
}

// nameMatch returns the DomainName filter of a search type.
func nameMatch(kind, name string) (func(string) bool, bool) {
	if name == "" {
		return func(string) bool { return true }, kind == "" || slices.Contains([]string{"fuzzy_match", "pre_match", "suf_match", "full_match"}, kind)
	}
	switch kind {
	case "", "fuzzy_match":
		return func(d string) bool { return strings.Contains(d, name) }, true
	case "pre_match":
		return func(d string) bool { return strings.HasPrefix(d, name) }, true
	case "suf_match":
		return func(d string) bool { return strings.HasSuffix(d, name) }, true
	case "full_match":
		return func(d string) bool { return d == name }, true
	}
	return nil, false
}
