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
		// ffmpeg's HLS and DASH defaults, Bento4's and Shaka's usual names.
		"hls/ep01/index0.ts":                segment,
		"hls/ep01/segment_003.ts":           segment,
		"hls/ep01/init.mp4":                 segment,
		"hls/ep01/init_0.mp4":               segment,
		"hls/ep01/12.m4s":                   segment,
		"dash/ep02/init-stream1.m4s":        segment,
		"dash/ep01/chunk-stream0-00001.m4s": segment,
		"dash/ep01/chunk-stream0-00001.mp4": segment,
		"dash/ep01/segment-1.m4s":           segment,
		"dash/ep01/x_dashinit.mp4":          segment,
		"hls/ep01/index12.vtt":              segment,
		"hls/ep01/fragment3.mp4":            segment,
		// Ordinary files whose names only look like a packager's.
		"videos/infinity.mp4":          plainFile,
		"videos/definitive-cut.mp4":    plainFile,
		"videos/segway-2024.mp4":       plainFile,
		"videos/fragrance-ad-2025.mp4": plainFile,
		"videos/chunky-2.mp4":          plainFile,
		"videos/init-video-tour.mp4":   plainFile,
		"videos/seg-final-cut.mp4":     plainFile,
		"audio/podcast.aac":            plainFile,
		"subs/en.vtt":                  plainFile,
		"videos/movie.m4v":             plainFile,
	}
	for key, want := range tests {
		if got := classify(key); got != want {
			t.Errorf("classify(%q) = %d, want %d", key, got, want)
		}
	}
}

// readCases reads the JSON test cases in testdata/name, of which there
// must be some.
func readCases[T any](t *testing.T, name string) []T {
	t.Helper()
	var cases []T
	if err := json.Unmarshal(testfix.Read(t, "testdata", name), &cases); err != nil || len(cases) == 0 {
		t.Fatalf("%s: %d cases: %v", name, len(cases), err)
	}
	return cases
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
	for _, tt := range readCases[videoCase](t, "video-cases.json") {
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
