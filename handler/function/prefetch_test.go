package function

import (
	"context"
	"slices"
	"testing"
)

// URLs that a directory refresh covered are prefetched once the directory
// went through, as if they had been refreshed one by one.
func TestPrefetchCoalesced(t *testing.T) {
	h, c := memHandler(t, followConfig, 2, 10)
	event := nativeEvent(
		[2]string{"ObjectCreated:PutObject", "videos/s1/a.mp4"},
		[2]string{"ObjectCreated:PutObject", "videos/s1/b.mp4"},
		[2]string{"ObjectCreated:PutObject", "videos/s1/c.mp4"},
	)
	res, err := handle(h, context.Background(), event)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Coalesced) != 1 || res.Coalesced[0].Directory != "https://video.example.com/videos/s1/" {
		t.Fatalf("coalesced %+v", res.Coalesced)
	}
	want := []string{"https://video.example.com/videos/s1/a.mp4", "https://video.example.com/videos/s1/b.mp4", "https://video.example.com/videos/s1/c.mp4"}
	if res.Prefetch == nil || !slices.Equal(res.Prefetch.Paths, want) || c.Calls("PreloadVodObjectCaches") != 1 {
		t.Errorf("prefetch %+v, %d preload calls", res.Prefetch, c.Calls("PreloadVodObjectCaches"))
	}
}
