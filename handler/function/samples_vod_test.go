package function

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/webhook"
)

// vodSample is a signed VOD callback in events/, its body one of the
// fixtures of webhook/testdata/vod, and what it refreshes.
type vodSample struct {
	name, fixture string
	status        string   // the reply's status
	files, dirs   []string // what it refreshes
}

var vodSamples = []vodSample{
	{"delete", "delete-video.json", "accepted", nil, []string{"https://vod.example.com/4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d/"}},
	{"transcode", "transcode.json", "accepted", []string{"https://vod.example.com/4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d/video-sd.mp4"},
		[]string{"https://vod.example.com/4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d/hls/"}},
	{"snapshot", "snapshot.json", "accepted", []string{"https://vod.example.com/4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d/covers/cover-00001.jpg"}, nil},
	{"base-change", "base-change.json", "accepted", []string{"https://vod.example.com/4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d/covers/cover-00003.jpg"}, nil},
	{"image-upload", "image-upload.json", "accepted", []string{"https://vod.example.com/image/default/9f8e7d6c5b4a49382716a5b4c3d2e1f0-6-2.png"}, nil},
	{"storage-class", "storage-class.json", "ignored", nil, nil},
	// A real TranscodeComplete, as a PHP project logged it (huagelong/eduxplus,
	// GlobController.php): three encrypted HLS streams directly in the
	// video's folder, whose one Directory refresh covers them all.
	{"transcode-real", "transcode-real.json", "accepted", nil, []string{"https://vod.example.com/c28ec065ed4a4eceb4eff8f18b928533/"}},
}

// The signed VOD samples in events/ verify against events/vod.yaml at
// the time they were made, are answered 200 and plan exactly what they
// should.
func TestVODSamples(t *testing.T) {
	env := testfix.ReadEnv(t, "..", "..", "events", "vod.env")
	cfgDoc := testfix.Read(t, "..", "..", "events", "vod.yaml")
	ts := strconv.FormatInt(sampleTime.Unix(), 10)
	for _, v := range vodSamples {
		t.Run(v.name, func(t *testing.T) {
			s := httpSample{kind: "vod", path: "/hooks/vod", body: string(testfix.Read(t, "..", "webhook", "testdata", "vod", v.fixture)),
				headers: map[string]string{"Content-Type": "application/json", webhook.VODTimestampHeader: ts,
					webhook.VODSignatureHeader: webhook.VODSignature("https://hooks.example.com/hooks/vod", ts, env["VOD_AUTH_KEY"])}}
			file := filepath.Join("..", "..", "events", "vod-"+v.name+".json")
			if *update {
				if err := os.WriteFile(file, s.triggerEventJSON(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			event := testfix.Read(t, "..", "..", "events", "vod-"+v.name+".json")
			h, err := New(mustConfig(t, string(cfgDoc)), Options{DryRun: true, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return sampleTime.Add(time.Second) }})
			if err != nil {
				t.Fatal(err)
			}
			status, reply := invokeHTTP(t, h, event)
			if status != 200 || reply.Status != v.status {
				t.Fatalf("%d %+v, want 200 %s", status, reply, v.status)
			}
			var files, dirs []string
			for _, c := range reply.Calls {
				if c.ObjectType == "Directory" {
					dirs = append(dirs, c.Paths...)
				} else {
					files = append(files, c.Paths...)
				}
			}
			if !reflect.DeepEqual(files, v.files) || !reflect.DeepEqual(dirs, v.dirs) {
				t.Errorf("files %q dirs %q, want %q %q", files, dirs, v.files, v.dirs)
			}
		})
	}
}
