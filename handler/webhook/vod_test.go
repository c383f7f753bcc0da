package webhook

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/change"
	"vodrefresh/handler/internal/testfix"
)

const (
	testVideo = "4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d"
	testJob   = "88c6ca184c0e47098a5b665e2a126797"
)

// TestVODSignatureVector reproduces the vector of VOD's documentation
// (help.aliyun.com document 67214), whose value the page masks after 28
// characters.
func TestVODSignatureVector(t *testing.T) {
	got := VODSignature("https://www.example.com/your/callback", "1519375990", "test123")
	if !strings.HasPrefix(got, "c72b60894140fa98920f1279219b") || len(got) != 32 || strings.ToLower(got) != got {
		t.Fatalf("VODSignature = %q, want lower-case hex starting c72b60894140fa98920f1279219b", got)
	}
}

func vodRequest(host, path string, headers map[string]string, body string) *Request {
	h := map[string]string{"Content-Type": "application/json", "Host": host}
	for k, v := range headers {
		h[k] = v
	}
	return NewRequest("POST", path, "", nil, h, []byte(body))
}

func TestVODVerifier(t *testing.T) {
	now := time.Unix(1795162530, 0)
	ts := "1795162530"
	url := "https://hooks.example.com/hooks/vod"
	sig := func(u, ts, key string) map[string]string {
		return map[string]string{VODTimestampHeader: ts, VODSignatureHeader: VODSignature(u, ts, key)}
	}
	cases := []struct {
		name     string
		callback string // the route's callbackURL
		secrets  []string
		headers  map[string]string
		host     string
		want     string // "" when accepted, else a substring of the error
	}{
		{"host and path", "", []string{"AuthKey123"}, sig(url, ts, "AuthKey123"), "hooks.example.com", ""},
		{"configured URL", "https://vod.example.com/cb?x=1", []string{"AuthKey123"}, sig("https://vod.example.com/cb?x=1", ts, "AuthKey123"), "fc.example.com", ""},
		{"previous key", "", []string{"NewKey456", "AuthKey123"}, sig(url, ts, "AuthKey123"), "hooks.example.com", ""},
		{"upper-case hex", "", []string{"AuthKey123"}, map[string]string{VODTimestampHeader: ts, VODSignatureHeader: strings.ToUpper(VODSignature(url, ts, "AuthKey123"))}, "hooks.example.com", ""},
		{"wrong key", "", []string{"AuthKey123"}, sig(url, ts, "guess"), "hooks.example.com", "signature does not match"},
		{"other host", "", []string{"AuthKey123"}, sig(url, ts, "AuthKey123"), "evil.example.com", "signature does not match"},
		{"stale", "", []string{"AuthKey123"}, sig(url, "1795162000", "AuthKey123"), "hooks.example.com", "replay window"},
		{"future", "", []string{"AuthKey123"}, sig(url, "1795163000", "AuthKey123"), "hooks.example.com", "replay window"},
		{"no timestamp", "", []string{"AuthKey123"}, map[string]string{VODSignatureHeader: VODSignature(url, ts, "AuthKey123")}, "hooks.example.com", "missing X-VOD-TIMESTAMP"},
		{"no signature", "", []string{"AuthKey123"}, map[string]string{VODTimestampHeader: ts}, "hooks.example.com", "missing X-VOD-SIGNATURE"},
		{"millisecond timestamp", "", []string{"AuthKey123"}, sig(url, "1795162530000", "AuthKey123"), "hooks.example.com", "replay window"},
		{"not hex", "", []string{"AuthKey123"}, map[string]string{VODTimestampHeader: ts, VODSignatureHeader: "zz"}, "hooks.example.com", "not a hex MD5"},
		{"no host", "", []string{"AuthKey123"}, sig(url, ts, "AuthKey123"), "", "missing Host"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(Auth{Scheme: "vod", Secrets: tt.secrets, Window: 5 * time.Minute, CallbackURL: tt.callback})
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(vodRequest(tt.host, "/hooks/vod", tt.headers, `{"EventType":"x"}`), now)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == "" && (p.Key == "" || !p.Covers(VODTimestampHeader) || p.Covers("Content-Type")):
				t.Fatalf("proof %+v: want a key, covering the timestamp alone", p)
			case tt.want != "" && (err == nil || !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want unauthorized: %q", err, tt.want)
			}
		})
	}
}

// TestVODProofIgnoresBody: the body is not signed, so two bodies under one
// signature are one delivery: a replay with another body is a duplicate.
func TestVODProofIgnoresBody(t *testing.T) {
	now := time.Unix(1795162530, 0)
	v, _ := NewVerifier(Auth{Scheme: "vod", Secrets: []string{"AuthKey123"}, Window: time.Minute})
	h := map[string]string{VODTimestampHeader: "1795162530", VODSignatureHeader: VODSignature("https://h.example.com/v", "1795162530", "AuthKey123")}
	a, err1 := v.Verify(vodRequest("h.example.com", "/v", h, `{"a":1}`), now)
	b, err2 := v.Verify(vodRequest("h.example.com", "/v", h, `{"b":2}`), now)
	if err1 != nil || err2 != nil || a.Key != b.Key {
		t.Fatalf("keys %q %q (%v, %v): want one key", a.Key, b.Key, err1, err2)
	}
}

func folder(id string) Fields { return change.VideoFolder(id) }

func gone(id string) Fields {
	f := change.VideoFolder(id)
	f.Gone = true
	return f
}

func TestParseVOD(t *testing.T) {
	base := "/" + testVideo + "/"
	cases := []struct {
		file string
		want Change
		bad  string // substring of the BadPayload, when refused
	}{
		{"delete-video.json", Change{Event: "DeleteMediaComplete", Items: []Fields{gone(testVideo)}}, ""},
		{"delete-stream.json", Change{Event: "DeleteMediaComplete", Items: []Fields{gone(testVideo)}}, ""},
		{"purge.json", Change{Event: PurgeEvent, Items: []Fields{folder(testVideo)}}, ""},
		{"delete-mezzanine.json", Change{Event: "DeleteMediaComplete", Ignored: "the video's source file (mezzanine) is stored outside its folder, under a name no event gives: it cannot be refreshed; its streams are untouched"}, ""},
		{"delete-image.json", Change{Event: "DeleteMediaComplete", Ignored: "the event names no URL of the deleted image, and its path cannot be derived from its ID: purge it by URL through a generic route"}, ""},
		{"delete-bad-id.json", Change{}, `MediaId: "../../admin" is not a VOD ID`},
		{"transcode.json", Change{Event: "TranscodeComplete", Items: []Fields{
			{Path: base + "video-sd.mp4", Stream: testJob, Media: testVideo},
			{Path: base + "hls/", Directory: true, Stream: testJob, Media: testVideo},
			{Path: base + testJob + "-fd.mp4", Stream: testJob, JobNamed: true, Media: testVideo},
		}, Notes: []string{`stream 3 (LD) has status "fail": not refreshed`}}, ""},
		// A real callback, as a PHP project logged it (huagelong/eduxplus,
		// GlobController.php): HLS streams directly in the video's folder.
		{"transcode-real.json", Change{Event: "TranscodeComplete", Items: []Fields{
			{Path: "/c28ec065ed4a4eceb4eff8f18b928533/", Directory: true, Stream: "4f6930223ca748bcbbd3369654096d1f", Media: "c28ec065ed4a4eceb4eff8f18b928533"},
			{Path: "/c28ec065ed4a4eceb4eff8f18b928533/", Directory: true, Stream: "2ca0bdafcf034639b7b4e711c944b40a", Media: "c28ec065ed4a4eceb4eff8f18b928533"},
			{Path: "/c28ec065ed4a4eceb4eff8f18b928533/", Directory: true, Stream: "88bba7af46ad43c2a8ed08fb0f2b46ff", Media: "c28ec065ed4a4eceb4eff8f18b928533"},
		}}, ""},
		{"transcode-outside.json", Change{}, `path "/admin/index.html" is not a file in the folder of video ` + testVideo},
		{"transcode-failed.json", Change{Event: "TranscodeComplete", Ignored: `VOD event TranscodeComplete has status "fail", not success: nothing changed`}, ""},
		{"stream-transcode.json", Change{Event: "StreamTranscodeComplete", Items: []Fields{{Path: base + "video-sd.mp4", Stream: testJob, Media: testVideo}}}, ""},
		{"snapshot.json", Change{Event: "SnapshotComplete", Items: []Fields{{Path: base + "covers/cover-00001.jpg"}}}, ""},
		{"base-change.json", Change{Event: "MediaBaseChangeComplete", Items: []Fields{{Path: base + "covers/cover-00003.jpg"}}}, ""},
		{"base-change-string.json", Change{Event: "MediaBaseChangeComplete", Items: []Fields{{Path: base + "covers/cover-00003.jpg"}}}, ""},
		{"base-change-title.json", Change{Event: "MediaBaseChangeComplete", Ignored: "the change leaves the cover alone: nothing cached changed"}, ""},
		{"image-upload.json", Change{Event: "ImageUploadComplete", Items: []Fields{{Path: "/image/default/9f8e7d6c5b4a49382716a5b4c3d2e1f0-6-2.png"}}}, ""},
		{"attached-upload.json", Change{}, `path "/attached/watermark/logo.png" is not a file in a video's folder`},
		{"file-upload.json", Change{Event: "FileUploadComplete", Ignored: "the uploaded source file is stored outside the video's folder: playback is served from its streams, which TranscodeComplete refreshes"}, ""},
		{"storage-class.json", Change{Event: "UpdateMediaStorageClassComplete", Ignored: "VOD event UpdateMediaStorageClassComplete changes no cached object"}, ""},
		{"video-analysis.json", Change{Event: "VideoAnalysisComplete", Ignored: "VOD event VideoAnalysisComplete changes no cached object"}, ""},
	}
	for _, tt := range cases {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseVOD(testfix.Read(t, "testdata", "vod/"+tt.file))
			if tt.bad != "" {
				var bad *BadPayload
				if !errors.As(err, &bad) || !strings.Contains(bad.Error(), tt.bad) || !strings.Contains(bad.Error(), "nothing was refreshed") {
					t.Fatalf("err = %v, want a BadPayload saying %q and that nothing was refreshed", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseVOD =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestSelectStreams(t *testing.T) {
	ch, err := ParseVOD(testfix.Read(t, "testdata", "vod/transcode.json"))
	if err != nil {
		t.Fatal(err)
	}
	for policy, want := range map[string]int{"always": 3, "auto": 2, "": 2, "never": 0} {
		got := change.SelectStreams(ch, policy)
		if len(got.Items) != want {
			t.Errorf("streams %q kept %d items, want %d", policy, len(got.Items), want)
		}
		if want == 0 && got.Ignored == "" {
			t.Errorf("streams %q: nothing kept, and no reason", policy)
		}
	}
}

func TestParseGenericVideoIDs(t *testing.T) {
	got, err := ParseGeneric([]byte(`{"videoIds":["`+testVideo+`"]}`), 10)
	if err != nil || !reflect.DeepEqual(got.Items, []Fields{folder(testVideo)}) {
		t.Fatalf("ParseGeneric = %+v, %v", got, err)
	}
	for _, body := range []string{`{"videoIds":["4C3B6A1E8F5D4D2A9B7C0E1F2A3B4C5D"]}`, `{"videoIds":["../x"]}`, `{"videoIds":["https://evil.example.com/"]}`} {
		var bad *BadPayload
		if _, err := ParseGeneric([]byte(body), 10); !errors.As(err, &bad) || !strings.Contains(err.Error(), "not a VOD ID") {
			t.Errorf("%s: err = %v, want a BadPayload naming the ID", body, err)
		}
	}
}
