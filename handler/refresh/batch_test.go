package refresh

import (
	"net/url"
	"strings"
	"testing"

	"vodrefresh/handler/config"
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
