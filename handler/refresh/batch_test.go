package refresh

import (
	"net/url"
	"strings"
	"testing"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

func TestQueryLen(t *testing.T) {
	for _, s := range []string{"", "https://v.example.com/a b/新+~*%.png", "AZaz09-_.~ !\"#$&'()*+,/:;<=>?@[]^`{|}\\\n\x00\xff"} {
		if got, want := queryLen(s), len(url.QueryEscape(s)); got != want {
			t.Errorf("queryLen(%q) = %d, want %d", s, got, want)
		}
	}
}

// Long keys split a batch by bytes before the path count does: 900 keys of
// 1,023 bytes of Chinese characters go out in calls whose encoded
// ObjectPath stays within the limit.
func TestBatchesBySize(t *testing.T) {
	pl := mustPlanner(t, planConfig)
	p := &Plan{}
	long := strings.Repeat("新", 341) // 1,023 bytes
	for i := range 900 {
		p.add(config.TypeFile, "https://img.example.com/images/"+long+"-"+string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	batches := pl.Batches(p)
	total := 0
	for i, b := range batches {
		size := len(url.QueryEscape(strings.Join(b.Paths, "\n")))
		if size > config.DefaultQueryBytes {
			t.Errorf("batch %d: ObjectPath is %d bytes encoded, over %d", i, size, config.DefaultQueryBytes)
		}
		if i < len(batches)-1 && size+len(url.QueryEscape("\n"+b.Paths[0])) <= config.DefaultQueryBytes {
			t.Errorf("batch %d: %d bytes: another path would have fit", i, size)
		}
		if b.Stop != nil {
			t.Errorf("batch %d stopped: %v", i, b.Stop)
		}
		total += len(b.Paths)
	}
	if total != 900 || len(batches) < 2 {
		t.Errorf("%d paths in %d batches", total, len(batches))
	}
	// A path longer than the limit goes out alone.
	huge := &Plan{}
	huge.add(config.TypeFile, "https://img.example.com/images/"+strings.Repeat(long, 30))
	huge.add(config.TypeFile, "https://img.example.com/images/b.png")
	if got := mustPlanner(t, planConfig).Batches(huge); len(got) != 2 {
		t.Errorf("%d batches, want the long path alone and then the short one", len(got))
	}
}

// A path longer than one call carries is refused for good: planning skips
// its record with the reason (and its first bytes, not all of it), a
// webhook's change lists it in TooLong, and a batch that should still hold
// one is stopped rather than sent, refused and retried.
func TestPathLongerThanACall(t *testing.T) {
	pl := mustPlanner(t, "batch: {queryBytes: 2048}\n"+planConfig)
	key := "images/" + strings.Repeat("x", 2100) // as a template of a webhook might make it
	long := "https://img.example.com/" + key
	p := pl.PlanOSS([]event.ObjectEvent{
		{Index: 0, EventName: "ObjectCreated:PutObject", Change: event.ChangeCreated, Bucket: "media-bucket", Key: key, RawKey: key},
		{Index: 1, EventName: "ObjectCreated:PutObject", Change: event.ChangeCreated, Bucket: "media-bucket", Key: "images/a.png", RawKey: "images/a.png"},
	}, nil)
	if len(p.Files) != 1 || p.Files[0] != "https://img.example.com/images/a.png" {
		t.Errorf("files %q", p.Files)
	}
	if p.Skipped.Count != 1 || !strings.Contains(p.Skipped.Sample[0].Reason, "refused for good: the path takes") ||
		len(p.Skipped.Sample[0].Path) > 120 {
		t.Errorf("skipped %+v", p.Skipped)
	}
	b := pl.Batches(&Plan{Files: []string{long}})
	if len(b) != 1 || b[0].Stop == nil || b[0].Stop.Code != "InvalidObjectPath.Malformed" {
		t.Errorf("batches %+v", b)
	}
}
