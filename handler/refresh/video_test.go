package refresh

import (
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/testfix"
)

func TestClassify(t *testing.T) {
	tests := map[string]media{
		"videos/s2/ep01/720p/index.m3u8":     playlist,
		"videos/s2/ep01/master.M3U8":         playlist,
		"dash/ep01/manifest.mpd":             playlist,
		"videos/s2/ep01/720p/seg0001.ts":     segment,
		"dash/ep01/chunk-stream0-00012.m4s":  segment,
		"dash/ep01/init-stream0.m4s":         segment,
		"cmaf/ep01/video_init.mp4":           segment,
		"cmaf/ep01/segment_00012.mp4":        segment,
		"cmaf/ep01/seg-3.mp4":                segment,
		"cmaf/ep01/v.cmfv":                   segment,
		"audio/ep01/a_00001.aac":             segment,
		"subs/ep01/en_00001.vtt":             segment,
		"videos/trailer.mp4":                 plainFile,
		"videos/segments-of-the-season.mp4":  plainFile,
		"videos/chunky.mp4":                  plainFile,
		"images/cover.jpg":                   plainFile,
		"videos/s2/ep01/720p/index.m3u8.bak": plainFile,
	}
	for key, want := range tests {
		if got := classify(key); got != want {
			t.Errorf("classify(%q) = %d, want %d", key, got, want)
		}
	}
}

// videoCase is one record through the video-aware rules of
// testdata/video.yaml.
type videoCase struct {
	name, event, bucket, key string
	files, dirs              []string
	skipped                  string // the skip reason, by substring
}

var videoCases = []videoCase{
	{name: "a new segment is covered by its playlist", event: "ObjectCreated:PutObject", key: "videos/s2/ep01/720p/seg0001.ts",
		skipped: "its playlist's folder refresh covers it"},
	{name: "a new playlist refreshes its folder", event: "ObjectCreated:PutObject", key: "videos/s2/ep01/720p/index.m3u8",
		dirs: []string{"https://video.example.com/videos/s2/ep01/720p/"}},
	{name: "a changed DASH manifest refreshes its folder", event: "ObjectModified:UpdateObjectMeta", key: "videos/s2/ep01/manifest.mpd",
		dirs: []string{"https://video.example.com/videos/s2/ep01/"}},
	{name: "a playlist at the rule's prefix refreshes the prefix", event: "ObjectCreated:PutObject", key: "videos/index.m3u8",
		dirs: []string{"https://video.example.com/videos/"}},
	{name: "a removed segment refreshes its URL", event: "ObjectRemoved:DeleteObject", key: "videos/s1/ep01/720p/seg0001.ts",
		files: []string{"https://video.example.com/videos/s1/ep01/720p/seg0001.ts"}},
	{name: "a segment's changed metadata refreshes its URL", event: "ObjectModified:UpdateObjectMeta", key: "videos/s1/ep01/720p/seg0002.ts",
		files: []string{"https://video.example.com/videos/s1/ep01/720p/seg0002.ts"}},
	{name: "a removed playlist refreshes its URL", event: "ObjectRemoved:DeleteObject", key: "videos/s1/ep01/720p/index.m3u8",
		files: []string{"https://video.example.com/videos/s1/ep01/720p/index.m3u8"}},
	{name: "a progressive MP4 is a plain file", event: "ObjectCreated:PutObject", key: "videos/trailer.mp4",
		files: []string{"https://video.example.com/videos/trailer.mp4"}},
	{name: "video: off refreshes a new segment", event: "ObjectCreated:PutObject", key: "raw/ep01/seg0001.ts",
		files: []string{"https://video.example.com/raw/ep01/seg0001.ts"}},
	{name: "playlist: url refreshes the playlist alone", event: "ObjectCreated:PutObject", key: "live/ch1/index.m3u8",
		files: []string{"https://video.example.com/live/ch1/index.m3u8"}},
	{name: "a playlist whose folder is the domain root refreshes its URL", event: "ObjectCreated:PutObject", bucket: "top-bucket", key: "index.m3u8",
		files: []string{"https://video.example.com/index.m3u8"}},
}

func TestPlanVideo(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "video.yaml")))
	for _, tt := range videoCases {
		t.Run(tt.name, func(t *testing.T) {
			bucket := tt.bucket
			if bucket == "" {
				bucket = "media-bucket"
			}
			p := pl.PlanOSS([]event.ObjectEvent{record(0, tt.event, bucket, tt.key)}, nil)
			if !reflect.DeepEqual(p.Files, tt.files) || !reflect.DeepEqual(p.Directories, tt.dirs) {
				t.Errorf("files %q dirs %q, want files %q dirs %q", p.Files, p.Directories, tt.files, tt.dirs)
			}
			if tt.skipped == "" && len(p.Skipped) > 0 || tt.skipped != "" && (len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0].Reason, tt.skipped)) {
				t.Errorf("skipped %+v, want %q", p.Skipped, tt.skipped)
			}
		})
	}
}
