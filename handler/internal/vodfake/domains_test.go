package vodfake

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vod"
)

// DescribeVodUserDomains filters by name, as DomainSearchType says, and by
// status, pages as PageSize and PageNumber say, and refuses a PageSize
// over 50.
func TestDescribeUserDomains(t *testing.T) {
	s := start(t, Options{Domains: []Domain{{Name: "a.vodrefresh-demo.cn"}, {Name: "b.vodrefresh-demo.cn", Status: "offline"}, {Name: "ab.other.cn"}}})
	c := client(t, s, secret)
	for _, tt := range []struct {
		name, domain, search, status string
		size, page                   requests.Integer
		want                         []string
		total                        int64
	}{
		{"all", "", "", "", "", "", []string{"a.vodrefresh-demo.cn", "b.vodrefresh-demo.cn", "ab.other.cn"}, 3},
		{"a fuzzy name", "b.", "", "", "", "", []string{"b.vodrefresh-demo.cn", "ab.other.cn"}, 2},
		{"full_match", "A.vodrefresh-demo.cn", "full_match", "", "", "", []string{"a.vodrefresh-demo.cn"}, 1},
		{"suf_match", ".cn", "suf_match", "", "", "", []string{"a.vodrefresh-demo.cn", "b.vodrefresh-demo.cn", "ab.other.cn"}, 3},
		{"status", "", "", "offline", "", "", []string{"b.vodrefresh-demo.cn"}, 1},
		{"page 2 of 2", "", "", "", "2", "2", []string{"ab.other.cn"}, 3},
		{"past the end", "", "", "", "2", "3", nil, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := vod.CreateDescribeVodUserDomainsRequest()
			req.DomainName, req.DomainSearchType, req.DomainStatus = tt.domain, tt.search, tt.status
			req.PageSize, req.PageNumber = tt.size, tt.page
			r, err := c.DescribeVodUserDomains(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range r.Domains.PageData {
				got = append(got, d.DomainName)
				if d.Cname == "" || d.DomainStatus == "" || len(d.Sources.Source) == 0 {
					t.Errorf("domain %+v lacks fields", d)
				}
			}
			if r.TotalCount != tt.total || len(got) != len(tt.want) {
				t.Fatalf("total %d, %v; want %d, %v", r.TotalCount, got, tt.total, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("%v, want %v", got, tt.want)
				}
			}
		})
	}
	req := vod.CreateDescribeVodUserDomainsRequest()
	req.PageSize = "51"
	if _, err := c.DescribeVodUserDomains(req); err == nil {
		t.Error("PageSize 51 was answered")
	} else if code, status := serverCode(t, err); code != "InvalidParameter" || status != 400 {
		t.Errorf("PageSize 51: %s %d", code, status)
	}
}
