package function

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// memHandler is the function over an in-memory VOD account with the given
// quota left (a negative count means none).
func memHandler(t *testing.T, doc string, urls, dirs int) (*Handler, *vodmem.Client) {
	t.Helper()
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: max(urls, 0), DirRemain: max(dirs, 0), PreloadRemain: vod.DailyPreloadQuota}}
	h, err := New(mustConfig(t, doc), Options{Connector: c, Backoff: vod.Backoff{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return h, c
}

func images(keys ...string) []byte {
	var recs [][2]string
	for _, k := range keys {
		recs = append(recs, [2]string{"ObjectCreated:PutObject", k})
	}
	return nativeEvent(recs...)
}

// shortKeys are the eight image keys, four in each of two folders, that
// the quota-short cases refresh; shortURLs are their URLs.
var shortKeys, shortURLs = func() (keys, urls []string) {
	for _, d := range []string{"spring", "summer"} {
		for i := range 4 {
			keys = append(keys, fmt.Sprintf("images/%s/%d.png", d, i))
		}
	}
	for _, k := range keys {
		urls = append(urls, "https://img.example.com/"+k)
	}
	return keys, urls
}()

// shortCase is an event against an account with urls and dirs left (a
// negative count means none), and what VOD must receive: files and
// directory paths, or nothing, with a quota error.
type shortCase struct {
	name       string
	urls, dirs int
	policy     string
	event      []byte
	files      []string
	directory  []string
	quotaError bool
}

var shortCases = []shortCase{
	{
		name: "within the share: URLs", urls: 2000, dirs: 100, event: images(shortKeys...),
		files: shortURLs,
	},
	{
		name: "over the share: the deepest folders", urls: 10, dirs: 100, event: images(shortKeys...),
		directory: []string{"https://img.example.com/images/spring/", "https://img.example.com/images/summer/"},
	},
	{
		name: "one directory left: one level up, to the rule's prefix", urls: 10, dirs: 1, event: images(shortKeys...),
		directory: []string{"https://img.example.com/images/"},
	},
	{
		name: "the per-event cap", urls: 10, dirs: 100, policy: "quota: {maxDirsPerEvent: 1}\n", event: images(shortKeys...),
		directory: []string{"https://img.example.com/images/"},
	},
	{
		name: "the minimum depth holds", urls: 7, dirs: 1, policy: "quota: {minDirectoryDepth: 2}\n", event: images(shortKeys...),
		quotaError: true,
	},
	{
		name: "over the share but no directory fits, and the URLs fit: URLs", urls: 12, dirs: -1, event: images(shortKeys...),
		files: shortURLs,
	},
	{
		name: "neither quota covers it", urls: 5, dirs: -1, event: images(shortKeys...),
		quotaError: true,
	},
}

func TestQuotaShortCoalesces(t *testing.T) {
	for _, tt := range shortCases {
		t.Run(tt.name, func(t *testing.T) { checkQuotaShort(t, tt) })
	}
}

// checkQuotaShort runs tt's event against an in-memory VOD account with
// tt's quota left, and checks what VOD received and what the result says.
func checkQuotaShort(t *testing.T, tt shortCase) {
	h, c := memHandler(t, tt.policy+planConfig, tt.urls, tt.dirs)
	res, err := handle(h, context.Background(), tt.event)
	if tt.quotaError {
		var qe *refresh.QuotaError
		if !errors.As(err, &qe) || qe.Pending != len(shortKeys) || !strings.Contains(err.Error(), "8 paths pending") {
			t.Fatalf("error %v, want a refresh.QuotaError with 8 pending", err)
		}
		if n := c.Calls("RefreshVodObjectCaches"); n != 0 {
			t.Errorf("%d refresh calls", n)
		}
		for _, p := range res.Paths {
			if p.Status != submit.StatusFailed {
				t.Errorf("path %+v", p)
			}
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var files, dirs []string
	for _, r := range c.Refreshes() {
		if r.ObjectType == config.TypeDirectory {
			dirs = append(dirs, r.Paths...)
		} else {
			files = append(files, r.Paths...)
		}
	}
	if !reflect.DeepEqual(files, tt.files) || !reflect.DeepEqual(dirs, tt.directory) {
		t.Errorf("VOD received files %q dirs %q\nwant files %q dirs %q", files, dirs, tt.files, tt.directory)
	}
	coalesced := 0
	for _, co := range res.Coalesced {
		for _, p := range co.Paths {
			coalesced++
			if !strings.HasPrefix(p, co.Directory) {
				t.Errorf("%s is not under %s", p, co.Directory)
			}
		}
	}
	for _, p := range res.Paths {
		if p.ObjectType == config.TypeFile && slices.ContainsFunc(res.Coalesced, func(co refresh.Coalesced) bool { return slices.Contains(co.Paths, p.Path) }) {
			t.Errorf("%s is listed in paths and again in coalesced", p.Path)
		}
	}
	if tt.directory != nil && coalesced != len(shortKeys) {
		t.Errorf("%d paths reported coalesced, want %d", coalesced, len(shortKeys))
	}
	if res.Quota == nil || res.Quota.Source != "api" || res.Quota.URLRemain != tt.urls || res.Quota.DirRemain != max(tt.dirs, 0) {
		t.Errorf("quota %+v", res.Quota)
	}
}

// The cached quota is spent locally: the second invocation plans with what
// the first left, without reading it again.
func TestQuotaCacheSpends(t *testing.T) {
	h, c := memHandler(t, planConfig, 10, 100)
	ctx := context.Background()
	if _, err := handle(h, ctx, images("images/a/1.png", "images/a/2.png", "images/b/1.png")); err != nil {
		t.Fatal(err)
	}
	res, err := handle(h, ctx, images("images/c/1.png", "images/c/2.png", "images/d/1.png"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Quota.Source != "cache" || res.Quota.URLRemain != 7 {
		t.Errorf("second invocation planned with %+v", res.Quota)
	}
	// 3 URLs fit in half of 7: still URLs.
	if len(res.Coalesced) != 0 || c.Calls("DescribeVodRefreshQuota") != 1 {
		t.Errorf("coalesced %+v; %d quota reads", res.Coalesced, c.Calls("DescribeVodRefreshQuota"))
	}
}

// A dry run without credentials plans with the full daily quota and says so.
func TestDryRunAssumesFullQuota(t *testing.T) {
	h, err := New(mustConfig(t, planConfig), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range 1001 {
		keys = append(keys, fmt.Sprintf("images/set%d/x%d.png", i%3, i))
	}
	res, err := handle(h, context.Background(), images(keys...))
	if err != nil {
		t.Fatal(err)
	}
	if res.Quota == nil || res.Quota.Source != "assumed" || res.Quota.URLRemain != vod.DailyURLQuota {
		t.Errorf("quota %+v", res.Quota)
	}
	if len(res.Calls) != 1 || res.Calls[0].ObjectType != config.TypeDirectory || len(res.Calls[0].Paths) != 3 {
		t.Errorf("calls %+v", res.Calls)
	}
}
