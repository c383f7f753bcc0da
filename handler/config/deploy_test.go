package config

import (
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// The sample's rules (videos/*.mp4, hls/, images/ on media-bucket) against
// the filters an OSS trigger can have.
func TestTriggerCoverage(t *testing.T) {
	cfg, err := Parse(testfix.Read(t, "..", "..", "events", "refresh.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.CoveringFilter("media-bucket"), (TriggerFilter{Bucket: "media-bucket"}); got != want {
		t.Errorf("covering filter %+v, want %+v", got, want)
	}
	for _, tt := range []struct {
		filter TriggerFilter
		want   []string
	}{
		{TriggerFilter{Bucket: "media-bucket"}, nil},
		{TriggerFilter{Bucket: "media-bucket", Prefix: "videos/"}, []string{
			`oss[1] (prefix "hls/", suffix "") covers keys that the OSS trigger's filter (prefix "videos/", suffix "") leaves out; a filter of prefix "" and suffix "" lets every rule's keys through`,
			`oss[2] (prefix "images/", suffix "") covers keys that the OSS trigger's filter (prefix "videos/", suffix "") leaves out; a filter of prefix "" and suffix "" lets every rule's keys through`,
		}},
		{TriggerFilter{Bucket: "media-bucket", Suffix: ".mp4"}, []string{
			`oss[1] (prefix "hls/", suffix "") covers keys that the OSS trigger's filter (prefix "", suffix ".mp4") leaves out; a filter of prefix "" and suffix "" lets every rule's keys through`,
			`oss[2] (prefix "images/", suffix "") covers keys that the OSS trigger's filter (prefix "", suffix ".mp4") leaves out; a filter of prefix "" and suffix "" lets every rule's keys through`,
		}},
		{TriggerFilter{Bucket: "other-bucket"}, []string{
			"oss[0] is for bucket media-bucket, but the OSS trigger watches other-bucket: its objects never reach the function",
			"oss[1] is for bucket media-bucket, but the OSS trigger watches other-bucket: its objects never reach the function",
			"oss[2] is for bucket media-bucket, but the OSS trigger watches other-bucket: its objects never reach the function",
		}},
	} {
		if got := cfg.Uncovered(tt.filter); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v: uncovered\n%q\nwant\n%q", tt.filter, got, tt.want)
		}
	}
}

// The covering filter is the longest prefix and suffix the rules share,
// cut on whole characters.
func TestCoveringFilter(t *testing.T) {
	rules := func(affixes ...string) *Config {
		c := &Config{}
		for i := 0; i+1 < len(affixes); i += 2 {
			c.OSS = append(c.OSS, OSSRule{Bucket: "b", Prefix: affixes[i], Suffix: affixes[i+1]})
		}
		c.OSS = append(c.OSS, OSSRule{Bucket: "elsewhere", Prefix: "x/"})
		return c
	}
	for _, tt := range []struct {
		cfg  *Config
		want TriggerFilter
	}{
		{rules("videos/2026/", ".mp4", "videos/2025/", ".mp4"), TriggerFilter{"b", "videos/202", ".mp4"}},
		{rules("videos/", ".mp4", "videos/", ".m4a"), TriggerFilter{"b", "videos/", ""}},
		{rules("视频/新", "", "视频/旧", ""), TriggerFilter{"b", "视频/", ""}}, // 新 and 旧 share a first byte
		{rules("a/", "新.mp4", "b/", "旧.mp4"), TriggerFilter{"b", "", ".mp4"}},
		{rules("a/", "-ä", "b/", "-Ĥ"), TriggerFilter{"b", "", ""}}, // ä and Ĥ share a last byte
		{rules(), TriggerFilter{Bucket: "b"}},
	} {
		if got := tt.cfg.CoveringFilter("b"); got != tt.want {
			t.Errorf("%+v: got %+v, want %+v", tt.cfg.OSS, got, tt.want)
		}
	}
}

// Each reserved name is refused with its own reason: example names are
// for documentation, .test for testing, .invalid never resolves, and
// localhost is the local machine.
func TestReservedDomains(t *testing.T) {
	for _, tt := range []struct {
		domain string
		reason string // a part of the reason; "" for a domain that may be deployed
	}{
		{"https://video.example.com", "reserved for documentation (RFC 2606): this is a sample configuration"},
		{"https://EXAMPLE.ORG", "reserved for documentation"},
		{"https://cdn.example.net:8443", "reserved for documentation"},
		{"https://a.example", "reserved for documentation"},
		{"http://media.test", "reserved for testing (RFC 2606, RFC 6761)"},
		{"https://vod.mysite.test.", "reserved for testing"},
		{"https://cdn.invalid", "reserved as a name that never resolves"},
		{"http://localhost:8080", "the local machine (RFC 6761)"},
		{"https://video.localhost", "the local machine"},
		{"https://video.vodrefresh-demo.cn", ""},
		{"https://example.com.cn", ""},
		{"https://notexample.com", ""},
		{"https://contest.com", ""},
	} {
		got := (&Config{Domains: []string{tt.domain}}).ReservedDomains()
		switch {
		case tt.reason == "" && len(got) > 0:
			t.Errorf("%s: refused: %+v", tt.domain, got)
		case tt.reason != "" && (len(got) != 1 || got[0].Domain != tt.domain || !strings.Contains(got[0].Reason, tt.reason)):
			t.Errorf("%s: %+v, want a reason that says %q", tt.domain, got, tt.reason)
		}
		if tt.reason != "" && !strings.Contains(tt.reason, "documentation") && len(got) == 1 && strings.Contains(got[0].Reason, "documentation") {
			t.Errorf("%s: said to be for documentation: %s", tt.domain, got[0].Reason)
		}
	}
}

// An http:// base is valid, but warned about unless the host is listed
// with https:// too.
func TestWarnings(t *testing.T) {
	for _, tt := range []struct {
		domains []string
		want    []string
	}{
		{[]string{"https://vod.mysite.com"}, nil},
		{[]string{"http://vod.mysite.com", "https://vod.mysite.com"}, nil},
		{[]string{"https://img.mysite.com", "http://vod.mysite.com"}, []string{
			"domains[1]: http://vod.mysite.com is http://: refreshing its URLs leaves the https:// copies on the CDN stale; list https://vod.mysite.com as well (with templates for it), or use https:// alone"}},
		{[]string{"HTTP://VOD.mysite.com", "https://vod.mysite.com"}, nil},
		{[]string{"ftp://vod.mysite.com"}, nil}, // invalid, not warned about
	} {
		if got := (&Config{Domains: tt.domains}).Warnings(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: warnings\n%q\nwant\n%q", tt.domains, got, tt.want)
		}
	}
}
