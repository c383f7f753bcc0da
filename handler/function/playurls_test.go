package function

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"vodrefresh/handler/vod"
)

// playURLsEvent is the event body as one MNS message of VOD's queue form.
func playURLsEvent(id string, body []byte) []byte {
	return fmt.Appendf(nil, `[{"id":%q,"source":"MNS-Function-vod","specversion":"1.0","type":"mns:Queue:SendMessage","data":{"requestId":"r","messageId":%q,"messageBody":%q}}]`, id, id, body)
}

// On a playUrls route, a video that still exists is refreshed by its ID,
// its job read back into the result's tasks and counted in the quota as
// formats × definitions (the m3u8 with its slices): (2 + 2) × 2 = 8 URLs;
// a deleted one, and one VOD answers in NonExistMediaIds, by its folder on
// each template, in the same invocation; a cover by its path.
func TestPlayURLsRoute(t *testing.T) {
	folders := []string{"https://vod.example.com/" + vodVideo + "/", "https://vod2.example.com/" + vodVideo + "/"}
	cases := []struct {
		event    string
		nonExist bool
		media    []string   // the media IDs of RefreshMediaPlayUrls calls
		refresh  [][]string // the paths of RefreshVodObjectCaches calls
		objType  string     // their object type
		urls     int        // what the ledger counted as URLs
		dirs     int        // and as directories
	}{
		{event: "delete.json", refresh: [][]string{folders}, objType: "Directory", dirs: 2},
		{event: "transcode.json", media: []string{vodVideo}, urls: 8},
		{event: "purge.json", media: []string{vodVideo}, urls: 8},
		{event: "purge.json", nonExist: true, media: []string{vodVideo}, refresh: [][]string{folders}, objType: "Directory", dirs: 2},
		{event: "snapshot.json", refresh: [][]string{{"https://vod.example.com/" + vodVideo + "/covers/cover-00001.jpg", "https://vod2.example.com/" + vodVideo + "/covers/cover-00001.jpg"}}, objType: "File", urls: 2},
	}
	for _, tt := range cases {
		t.Run(fmt.Sprintf("%s non-existent=%v", tt.event, tt.nonExist), func(t *testing.T) {
			srv := startFake(t, nil)
			if tt.nonExist {
				srv.SetNonExistent(vodVideo)
			}
			h := vodHandler(t, srv, string(mustRead("testdata/playurls/route.yaml")), nil)
			res, err := handle(h, t.Context(), playURLsEvent("m1", mustRead("testdata/playurls/"+tt.event)))
			if err != nil {
				t.Fatal(err)
			}
			var media []string
			var refresh [][]string
			for _, r := range srv.Requests() {
				switch r.Action {
				case "RefreshMediaPlayUrls":
					media = append(media, r.Params.Get("MediaIds"))
					if r.Params.Get("Formats") != "mp4,m3u8" || r.Params.Get("Definitions") != "SD,HD" || r.Params.Get("SliceCount") != "2" {
						t.Errorf("sent %v", r.Params)
					}
				case "RefreshVodObjectCaches":
					refresh = append(refresh, r.Paths)
					if r.ObjectType != tt.objType {
						t.Errorf("refreshed as %s, want %s", r.ObjectType, tt.objType)
					}
				}
			}
			if !reflect.DeepEqual(media, tt.media) || !reflect.DeepEqual(refresh, tt.refresh) {
				t.Fatalf("media %v and paths %v, want %v and %v", media, refresh, tt.media, tt.refresh)
			}
			if srv.Rejected() != 0 {
				t.Errorf("%d requests failed the signature check", srv.Rejected())
			}
			urls, dirs := 0, 0
			for _, c := range res.Calls {
				switch c.ObjectType {
				case "Media":
					urls += c.URLs
				case "Directory":
					dirs += len(c.Paths)
				default:
					urls += len(c.Paths)
				}
			}
			if urls != tt.urls || dirs != tt.dirs {
				t.Errorf("the calls count %d URLs and %d directories, want %d and %d: %+v", urls, dirs, tt.urls, tt.dirs, res.Calls)
			}
			l, err := h.store.Ledger(t.Context())
			if err != nil || l.Spent.URLs != tt.urls || l.Spent.Dirs != tt.dirs {
				t.Errorf("the ledger spent %+v (%v), want %d URLs and %d directories", l.Spent, err, tt.urls, tt.dirs)
			}
			if len(tt.media) == 0 {
				return
			}
			// The job is followed into the tasks: the media's, with the
			// job's ID, and with wait each play URL's refresh task.
			i := slices.IndexFunc(res.Tasks, func(task vod.Task) bool { return task.ObjectType == "media" })
			switch {
			case tt.nonExist && i >= 0:
				t.Errorf("a media VOD did not take was followed: %+v", res.Tasks)
			case !tt.nonExist && (i < 0 || res.Tasks[i].ObjectPath != vodVideo || res.Tasks[i].Status != "Success" || res.Tasks[i].TaskID != res.Calls[0].JobID):
				t.Errorf("tasks %+v, want the media's job %s", res.Tasks, res.Calls[0].JobID)
			case !tt.nonExist && len(res.Tasks) != 1+4:
				// The fake makes one play URL per format and definition,
				// and no task for slices.
				t.Errorf("%d tasks, want the job and its 4 play URLs': %+v", len(res.Tasks), res.Tasks)
			}
			if !tt.nonExist && (res.Paths[0].Path != vodVideo || res.Paths[0].TaskID != res.Calls[0].JobID) {
				t.Errorf("paths %+v, want the video with its job ID", res.Paths)
			}
		})
	}
}
