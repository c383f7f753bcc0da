package refresh

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// planConfig is the configuration most planning tests use.
var planConfig = func() string {
	b, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// mustPlanner parses and compiles a configuration document.
func mustPlanner(t testing.TB, doc string) *Planner {
	t.Helper()
	cfg, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// record is an OSS record whose key came raw.
func record(i int, name, bucket, key string) event.ObjectEvent {
	ev := event.ObjectEvent{Index: i, EventName: name, Bucket: bucket, Key: key, RawKey: key}
	ev.Change, ev.NoChange = event.Classify(name)
	return ev
}

// put is a PutObject record whose key came raw.
func put(i int, bucket, key string) event.ObjectEvent {
	return record(i, "ObjectCreated:PutObject", bucket, key)
}

// planCase is a batch of records and the plan the planner must make of
// them with planConfig.
type planCase struct {
	name    string
	records []event.ObjectEvent
	files   []string
	dirs    []string
	skipped []string // reasons, by substring, in order
}

var planCases = []planCase{
	{
		name:    "one key behind two domains",
		records: []event.ObjectEvent{put(0, "media-bucket", "videos/a.mp4")},
		files:   []string{"https://video.example.com/videos/a.mp4", "https://backup.example.com/videos/a.mp4"},
	},
	{
		name: "create, modify and delete of one key refresh it once",
		records: []event.ObjectEvent{
			put(0, "media-bucket", "images/x.png"),
			record(1, "ObjectModified:UpdateObjectMeta", "media-bucket", "images/x.png"),
			record(2, "ObjectRemoved:DeleteObject", "media-bucket", "images/x.png"),
		},
		files: []string{"https://img.example.com/images/x.png"},
	},
	{
		name: "directory rule refreshes the folder once",
		records: []event.ObjectEvent{
			put(0, "media-bucket", "hls/show/720p/seg-1.ts"),
			put(1, "media-bucket", "hls/show/720p/seg-2.ts"),
			put(2, "media-bucket", "hls/show/480p/"),
		},
		dirs: []string{"https://video.example.com/hls/show/720p/", "https://video.example.com/hls/show/480p/"},
	},
	{
		name:    "unusual characters",
		records: []event.ObjectEvent{put(0, "media-bucket", "images/新 品 #1?.png"), put(1, "media-bucket", "images/a+b (1)~*.png")},
		files:   []string{"https://img.example.com/images/%E6%96%B0%20%E5%93%81%20%231%3F.png", "https://img.example.com/images/a+b%20(1)~*.png"},
	},
	{
		name: "unmatched, wrong suffix, other bucket and download events are skipped",
		records: []event.ObjectEvent{
			put(0, "media-bucket", "drafts/a.txt"),
			put(1, "media-bucket", "videos/a.mov"),
			put(2, "other-bucket", "videos/a.mp4"),
			record(3, "ObjectDownloaded:GetObject", "media-bucket", "videos/a.mp4"),
		},
		skipped: []string{"no oss rule matches", "no oss rule matches", "no oss rule matches", "does not change an object"},
	},
	{
		name: "replication events refresh; multipart steps are skipped with a reason",
		records: []event.ObjectEvent{
			record(0, "ObjectCreated:InitiateMultipartUpload", "media-bucket", "videos/big.mp4"),
			record(1, "ObjectCreated:UploadPart", "media-bucket", "videos/big.mp4"),
			record(2, "ObjectCreated:UploadPartCopy", "media-bucket", "videos/big.mp4"),
			record(3, "ObjectCreated:CompleteMultipartUpload", "media-bucket", "videos/big.mp4"),
			record(4, "ObjectRemoved:AbortMultipartUpload", "media-bucket", "videos/other.mp4"),
			record(5, "ObjectReplication:ObjectModified", "media-bucket", "images/r.png"),
			record(6, "ObjectReplication:ObjectRemoved", "media-bucket", "images/gone.png"),
		},
		files: []string{"https://video.example.com/videos/big.mp4", "https://backup.example.com/videos/big.mp4",
			"https://img.example.com/images/r.png", "https://img.example.com/images/gone.png"},
		skipped: []string{"starts a multipart upload", "uploads one part", "copies one part", "abandons a multipart upload"},
	},
	{
		name:    "dot segments are skipped",
		records: []event.ObjectEvent{put(0, "media-bucket", "images/../secret.png")},
		skipped: []string{"'..' segment"},
	},
	{
		name:    "directory at the root is skipped",
		records: []event.ObjectEvent{put(0, "root-bucket", "top.png"), put(1, "root-bucket", "sub/deep.png")},
		dirs:    []string{"https://img.example.com/sub/"},
		skipped: []string{"domain root"},
	},
	{
		name:    "directories that read as the domain root are skipped",
		records: []event.ObjectEvent{put(0, "root-bucket", "//a.png"), put(1, "root-bucket", ";x/b.png"), put(2, "root-bucket", "/;/c.png")},
		skipped: []string{"domain root", "domain root", "domain root"},
	},
	{
		name:    "a template's scheme and host are lower-cased, the path kept",
		records: []event.ObjectEvent{put(0, "upper-bucket", "Photos/A.png")},
		files:   []string{"https://img.example.com/Up/Photos/A.png"},
	},
}

func TestPlanOSS(t *testing.T) {
	pl := mustPlanner(t, planConfig)
	for _, tt := range planCases {
		t.Run(tt.name, func(t *testing.T) { checkPlan(t, pl, tt) })
	}
}

// checkPlan plans tt's records with pl and checks the plan.
func checkPlan(t *testing.T, pl *Planner, tt planCase) {
	p := pl.PlanOSS(tt.records, nil)
	if !reflect.DeepEqual(p.Files, tt.files) {
		t.Errorf("files = %q\nwant %q", p.Files, tt.files)
	}
	if !reflect.DeepEqual(p.Directories, tt.dirs) {
		t.Errorf("dirs = %q\nwant %q", p.Directories, tt.dirs)
	}
	if len(p.Skipped.Sample) != len(tt.skipped) || p.Skipped.Count != len(tt.skipped) {
		t.Fatalf("skipped = %+v, want %d", p.Skipped, len(tt.skipped))
	}
	for i, s := range p.Skipped.Sample {
		if !strings.Contains(s.Reason, tt.skipped[i]) {
			t.Errorf("skip %d reason %q, want %q", i, s.Reason, tt.skipped[i])
		}
	}
}

func TestBatches(t *testing.T) {
	pl := mustPlanner(t, "batch: {files: 2, directories: 1}\n"+planConfig)
	const base = "https://img.example.com/"
	p := &Plan{}
	for _, f := range []string{"f1", "f2", "f3", "f1"} {
		p.add(config.TypeFile, base+f)
	}
	for _, d := range []string{"d1/", "d2/", "d1/"} {
		p.add(config.TypeDirectory, base+d)
	}
	got := pl.Batches(p)
	want := []Batch{
		{ObjectType: config.TypeFile, Paths: []string{base + "f1", base + "f2"}},
		{ObjectType: config.TypeFile, Paths: []string{base + "f3"}},
		{ObjectType: config.TypeDirectory, Paths: []string{base + "d1/"}},
		{ObjectType: config.TypeDirectory, Paths: []string{base + "d2/"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batches = %+v\nwant %+v", got, want)
	}
	if n := len(mustPlanner(t, planConfig).Batches(&Plan{})); n != 0 {
		t.Errorf("empty plan made %d batches", n)
	}
	// A batch the API would refuse leaves the planner stopped.
	bad := &Plan{}
	bad.add(config.TypeDirectory, base+"no-slash")
	if got := pl.Batches(bad); len(got) != 1 || got[0].Stop == nil || got[0].Stop.Code != "InvalidObjectPath.Malformed" {
		t.Errorf("malformed batch: %+v", got)
	}
}
