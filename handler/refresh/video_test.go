package refresh

import (
	"encoding/json"
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
// The cases are in testdata/video-cases.json.
type videoCase struct {
	Name, Event, Bucket, Key string
	Files, Dirs              []string
	Skipped                  string // the skip reason, by substring
}

func TestPlanVideo(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "video.yaml")))
	var cases []videoCase
	if err := json.Unmarshal(testfix.Read(t, "testdata", "video-cases.json"), &cases); err != nil || len(cases) == 0 {
		t.Fatalf("%d cases: %v", len(cases), err)
	}
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			bucket := tt.Bucket
			if bucket == "" {
				bucket = "media-bucket"
			}
			p := pl.PlanOSS([]event.ObjectEvent{record(0, tt.Event, bucket, tt.Key)}, nil)
			if !reflect.DeepEqual(p.Files, tt.Files) || !reflect.DeepEqual(p.Directories, tt.Dirs) {
				t.Errorf("files %q dirs %q, want files %q dirs %q", p.Files, p.Directories, tt.Files, tt.Dirs)
			}
			if tt.Skipped == "" && p.Skipped.Count > 0 || tt.Skipped != "" && (p.Skipped.Count != 1 || !strings.Contains(p.Skipped.Sample[0].Reason, tt.Skipped)) {
				t.Errorf("skipped %+v, want %q", p.Skipped, tt.Skipped)
			}
		})
	}
}
