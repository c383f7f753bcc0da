package handler

import (
	"reflect"
	"strings"
	"testing"
)

const planConfig = `
domains: [https://video.example.com, https://backup.example.com, https://img.example.com]
oss:
  - bucket: media-bucket
    prefix: videos/
    suffix: .mp4
    urls: ["https://video.example.com/{key}", "https://backup.example.com/{key}"]
  - bucket: media-bucket
    prefix: hls/
    objectType: Directory
    urls: ["https://video.example.com/{key}"]
  - bucket: media-bucket
    prefix: images/
    urls: ["https://img.example.com/{key}"]
  - bucket: root-bucket
    objectType: Directory
    urls: ["https://img.example.com/{key}"]
`

func mustConfig(t testing.TB, doc string) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestPlanOSS(t *testing.T) {
	cfg := mustConfig(t, planConfig)
	put := func(i int, bucket, key string) ObjectEvent {
		return ObjectEvent{Index: i, EventName: "ObjectCreated:PutObject", Bucket: bucket, Key: key}
	}
	tests := []struct {
		name    string
		records []ObjectEvent
		files   []string
		dirs    []string
		skipped []string // reasons, by substring, in order
	}{
		{
			name:    "one key behind two domains",
			records: []ObjectEvent{put(0, "media-bucket", "videos/a.mp4")},
			files:   []string{"https://video.example.com/videos/a.mp4", "https://backup.example.com/videos/a.mp4"},
		},
		{
			name: "create, modify and delete of one key refresh it once",
			records: []ObjectEvent{
				put(0, "media-bucket", "images/x.png"),
				{Index: 1, EventName: "ObjectModified:UpdateObjectMeta", Bucket: "media-bucket", Key: "images/x.png"},
				{Index: 2, EventName: "ObjectRemoved:DeleteObject", Bucket: "media-bucket", Key: "images/x.png"},
			},
			files: []string{"https://img.example.com/images/x.png"},
		},
		{
			name: "directory rule refreshes the folder once",
			records: []ObjectEvent{
				put(0, "media-bucket", "hls/show/720p/seg-1.ts"),
				put(1, "media-bucket", "hls/show/720p/seg-2.ts"),
				put(2, "media-bucket", "hls/show/480p/"),
			},
			dirs: []string{"https://video.example.com/hls/show/720p/", "https://video.example.com/hls/show/480p/"},
		},
		{
			name:    "unusual characters",
			records: []ObjectEvent{put(0, "media-bucket", "images/新 品 #1?.png"), put(1, "media-bucket", "images/a+b (1)~*.png")},
			files:   []string{"https://img.example.com/images/%E6%96%B0%20%E5%93%81%20%231%3F.png", "https://img.example.com/images/a+b%20(1)~*.png"},
		},
		{
			name: "unmatched, wrong suffix, other bucket and download events are skipped",
			records: []ObjectEvent{
				put(0, "media-bucket", "drafts/a.txt"),
				put(1, "media-bucket", "videos/a.mov"),
				put(2, "other-bucket", "videos/a.mp4"),
				{Index: 3, EventName: "ObjectDownloaded:GetObject", Bucket: "media-bucket", Key: "videos/a.mp4"},
			},
			skipped: []string{"no oss rule matches", "no oss rule matches", "no oss rule matches", "does not change an object"},
		},
		{
			name:    "dot segments are skipped",
			records: []ObjectEvent{put(0, "media-bucket", "images/../secret.png")},
			skipped: []string{"'..' segment"},
		},
		{
			name:    "directory at the root is skipped",
			records: []ObjectEvent{put(0, "root-bucket", "top.png"), put(1, "root-bucket", "sub/deep.png")},
			dirs:    []string{"https://img.example.com/sub/"},
			skipped: []string{"domain root"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := cfg.PlanOSS(tt.records)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Files, tt.files) {
				t.Errorf("files = %q\nwant %q", p.Files, tt.files)
			}
			if !reflect.DeepEqual(p.Directories, tt.dirs) {
				t.Errorf("dirs = %q\nwant %q", p.Directories, tt.dirs)
			}
			if len(p.Skipped) != len(tt.skipped) {
				t.Fatalf("skipped = %+v, want %d", p.Skipped, len(tt.skipped))
			}
			for i, s := range p.Skipped {
				if !strings.Contains(s.Reason, tt.skipped[i]) {
					t.Errorf("skip %d reason %q, want %q", i, s.Reason, tt.skipped[i])
				}
			}
		})
	}
}

func TestPlanKeyEncodingURL(t *testing.T) {
	cfg := mustConfig(t, "keyEncoding: url\n"+planConfig)
	p, err := cfg.PlanOSS([]ObjectEvent{{EventName: "ObjectCreated:PutObject", Bucket: "media-bucket", Key: "images/a%20b+c%E6%96%B0.png"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://img.example.com/images/a%20b+c%E6%96%B0.png"}
	if !reflect.DeepEqual(p.Files, want) {
		t.Errorf("files = %q, want %q", p.Files, want)
	}
	// Raw by default: the same key names an object whose name holds "%20".
	raw := mustConfig(t, planConfig)
	p, err = raw.PlanOSS([]ObjectEvent{{EventName: "ObjectCreated:PutObject", Bucket: "media-bucket", Key: "images/a%20b.png"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://img.example.com/images/a%2520b.png"}; !reflect.DeepEqual(p.Files, want) {
		t.Errorf("raw files = %q, want %q", p.Files, want)
	}
	_, err = cfg.PlanOSS([]ObjectEvent{{Index: 4, EventName: "ObjectCreated:PutObject", Bucket: "media-bucket", Key: "images/100%.png"}})
	if err == nil || !strings.Contains(err.Error(), "record 4") || !strings.Contains(err.Error(), "keyEncoding is url") {
		t.Errorf("bad escape: error %v", err)
	}
}

func TestBatches(t *testing.T) {
	cfg := mustConfig(t, "batch: {files: 2, directories: 1}\n"+planConfig)
	p := &Plan{}
	for _, f := range []string{"f1", "f2", "f3", "f1"} {
		p.add(TypeFile, f)
	}
	p.add(TypeDirectory, "d1/")
	p.add(TypeDirectory, "d2/")
	p.add(TypeDirectory, "d1/")
	got := cfg.Batches(p)
	want := []Batch{
		{TypeFile, []string{"f1", "f2"}},
		{TypeFile, []string{"f3"}},
		{TypeDirectory, []string{"d1/"}},
		{TypeDirectory, []string{"d2/"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batches = %+v\nwant %+v", got, want)
	}
	if n := len(mustConfig(t, planConfig).Batches(&Plan{})); n != 0 {
		t.Errorf("empty plan made %d batches", n)
	}
}
