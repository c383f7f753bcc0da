package webhook

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"vodrefresh/handler/change"
)

// vodStream is one transcoded stream, as TranscodeComplete lists them and
// StreamTranscodeComplete sends one at the top level.
type vodStream struct {
	FileURL    string `json:"FileUrl"`
	Format     string `json:"Format"`
	Definition string `json:"Definition"`
	JobID      string `json:"JobId"`
	Status     string `json:"Status"`
}

// vodChangeValue is one changed field of MediaBaseChangeComplete.
type vodChangeValue struct {
	OldValue string `json:"OldValue"`
	NewValue string `json:"NewValue"`
}

// vodEvent is a VOD event notification, as its HTTP callback POSTs it and
// its MNS form writes it (FACTS: "ApsaraVideo VOD's own events").
type vodEvent struct {
	EventType    string          `json:"EventType"`
	EventTime    string          `json:"EventTime"`
	VideoID      string          `json:"VideoId"`
	MediaID      string          `json:"MediaId"`
	ImageID      string          `json:"ImageId"`
	Status       string          `json:"Status"`
	MediaType    string          `json:"MediaType"`
	DeleteType   string          `json:"DeleteType"`
	StreamInfos  []vodStream     `json:"StreamInfos"`
	CoverURL     string          `json:"CoverUrl"`
	FileURL      string          `json:"FileURL"` // FileUploadComplete's FileUrl is the stream's; see file
	MediaContent json.RawMessage `json:"MediaContent"`
	vodStream
}

// file returns the URL of an uploaded or deleted file: FileURL, or FileUrl
// as FileUploadComplete spells it.
func (e *vodEvent) file() string {
	if e.FileURL != "" {
		return e.FileURL
	}
	return e.vodStream.FileURL
}

// ParseVOD reads a VOD event notification. The body is not signed, so it
// is trusted for nothing but IDs and object paths that fit VOD's storage
// layout: an ID must look like one (IsVODID), and a URL it names gives only
// its path, which must start with a video's folder "<VideoId>/" (the
// event's own video) or lie in VOD's image layout "image/default/<ImageId>".
// A body that names anything else is refused whole, and nothing is
// refreshed. Hosts come from the route's templates, never from the body.
//
// DeleteMediaComplete of a video (all, stream) refreshes its folder (and
// so does PurgeEvent, but for a video that still exists);
// TranscodeComplete and StreamTranscodeComplete each stream (see
// SelectStreams); SnapshotComplete its cover; MediaBaseChangeComplete a
// changed cover; ImageUploadComplete, FileUploadComplete and
// AttachedMediaUploadComplete the file, when it lies in a known layout.
// Every other event, and a Status other than success, is ignored with the
// reason.
func ParseVOD(body []byte) (Change, error) {
	var e vodEvent
	if err := decode("vod", body, &e); err != nil {
		return Change{}, err
	}
	if e.EventType == "" {
		return Change{}, bad("vod", "EventType: is required")
	}
	ch := Change{Event: e.EventType}
	plan, ok := vodEvents[e.EventType]
	switch {
	case !ok:
		ch.Ignored = fmt.Sprintf("VOD event %s changes no cached object", e.EventType)
		return ch, nil
	case e.Status != "success":
		ch.Ignored = fmt.Sprintf("VOD event %s has status %q, not success: nothing changed", e.EventType, e.Status)
		return ch, nil
	}
	if err := plan(&e, &ch); err != nil {
		return Change{}, err
	}
	if len(ch.Items) == 0 && ch.Ignored == "" {
		ch.Ignored = "the event names nothing to refresh"
		if len(ch.Notes) > 0 {
			ch.Ignored = strings.Join(ch.Notes, "; ")
		}
	}
	return ch, nil
}

// vodEvents are the VOD events that may leave a stale object in a CDN's
// cache, and what each refreshes.
var vodEvents = map[string]func(e *vodEvent, ch *Change) error{
	"DeleteMediaComplete":         vodDelete,
	"TranscodeComplete":           vodTranscode,
	"StreamTranscodeComplete":     vodTranscode,
	"SnapshotComplete":            func(e *vodEvent, ch *Change) error { return vodFiles(e, ch, e.VideoID, e.CoverURL) },
	"MediaBaseChangeComplete":     vodBaseChange,
	"ImageUploadComplete":         func(e *vodEvent, ch *Change) error { return vodFiles(e, ch, "", e.file()) },
	"AttachedMediaUploadComplete": func(e *vodEvent, ch *Change) error { return vodFiles(e, ch, "", e.file()) },
	"FileUploadComplete":          vodUpload,
	PurgeEvent:                    vodPurge,
}

// PurgeEvent is the event that "vodrefresh purge" sends for each video, in
// VOD's MNS form: not one VOD sends. It purges the video's folder, as a
// delete does, except on a playUrls route, where a video that still exists
// is refreshed by its ID and only one VOD no longer knows by its folder.
const PurgeEvent = "vodrefresh.PurgeVideo"

// vodPurge plans a PurgeEvent: VideoId (or MediaId) is the video's ID.
func vodPurge(e *vodEvent, ch *Change) error {
	id := cmp.Or(e.VideoID, e.MediaID)
	if !change.IsVODID(id) {
		return badID("VideoId", id)
	}
	ch.Items = append(ch.Items, change.VideoFolder(id))
	return nil
}

// vodDelete plans a DeleteMediaComplete: MediaId is the media's ID.
func vodDelete(e *vodEvent, ch *Change) error {
	id := e.MediaID
	if id == "" {
		id = e.VideoID
	}
	if !change.IsVODID(id) {
		return badID("MediaId", id)
	}
	switch {
	case e.MediaType == "video" && (e.DeleteType == "all" || e.DeleteType == "stream"):
		// What was deleted is no longer a play URL: only the folder's
		// refresh reaches it, whatever the route's mode.
		f := change.VideoFolder(id)
		f.Gone = true
		ch.Items = append(ch.Items, f)
	case e.MediaType == "video" && e.DeleteType == "mezzanine":
		ch.Ignored = "the video's source file (mezzanine) is stored outside its folder, under a name no event gives: it cannot be refreshed; its streams are untouched"
	case e.MediaType == "video":
		ch.Ignored = fmt.Sprintf("DeleteType %q is not all, stream or mezzanine: nothing known to refresh", e.DeleteType)
	case e.MediaType == "image" || e.MediaType == "attached":
		if e.file() == "" {
			ch.Ignored = fmt.Sprintf("the event names no URL of the deleted %s, and its path cannot be derived from its ID: purge it by URL through a generic route", e.MediaType)
			return nil
		}
		return vodFiles(e, ch, "", e.file())
	default:
		ch.Ignored = fmt.Sprintf("MediaType %q is not video, image or attached: nothing known to refresh", e.MediaType)
	}
	return nil
}

// vodTranscode plans a TranscodeComplete (StreamInfos) or a
// StreamTranscodeComplete (one stream at the top level): each successful
// stream's file, mapped from the storage URL onto the route's templates.
func vodTranscode(e *vodEvent, ch *Change) error {
	if !change.IsVODID(e.VideoID) {
		return badID("VideoId", e.VideoID)
	}
	streams := e.StreamInfos
	if e.EventType == "StreamTranscodeComplete" {
		streams = []vodStream{e.vodStream}
	}
	for i, s := range streams {
		if s.Status != "" && s.Status != "success" {
			ch.Notes = append(ch.Notes, fmt.Sprintf("stream %d (%s) has status %q: not refreshed", i, s.Definition, s.Status))
			continue
		}
		p, err := vodPath(s.FileURL, e.VideoID, fmt.Sprintf("StreamInfos[%d].FileUrl", i))
		if err != nil {
			return err
		}
		it := Fields{Path: p, Stream: s.JobID, Media: e.VideoID,
			JobNamed: s.JobID != "" && strings.Contains(strings.ToLower(path.Base(p)), strings.ToLower(s.JobID))}
		if strings.EqualFold(s.Format, "m3u8") || strings.HasSuffix(strings.ToLower(p), ".m3u8") {
			// An HLS playlist's segments sit beside it, under names a new
			// transcode repeats as the playlist's: its folder covers them.
			it.Path, it.Directory = path.Dir(p)+"/", true
		}
		ch.Items = append(ch.Items, it)
	}
	return nil
}

// vodBaseChange plans a MediaBaseChangeComplete: a changed cover's new URL
// (which may replace a cached object, or a cached 404). MediaContent is an
// object, or the same object as a JSON string.
func vodBaseChange(e *vodEvent, ch *Change) error {
	content := bytes.TrimSpace(e.MediaContent)
	if len(content) > 0 && content[0] == '"' {
		var s string
		if err := json.Unmarshal(content, &s); err != nil {
			return bad("vod", "MediaContent: want an object or a JSON string of one")
		}
		content = []byte(s)
	}
	var c struct {
		CoverURL *vodChangeValue `json:"CoverURL"`
	}
	if len(content) > 0 && string(content) != "null" {
		if err := json.Unmarshal(content, &c); err != nil {
			return bad("vod", "MediaContent: want an object, such as {\"CoverURL\":{\"OldValue\":...,\"NewValue\":...}}")
		}
	}
	if c.CoverURL == nil || c.CoverURL.NewValue == "" {
		ch.Ignored = "the change leaves the cover alone: nothing cached changed"
		return nil
	}
	id := e.MediaID
	if id == "" {
		id = e.VideoID
	}
	return vodFiles(e, ch, id, c.CoverURL.NewValue)
}

// vodUpload plans a FileUploadComplete: the uploaded source file, when it
// lies in the video's folder. Elsewhere (VOD's default), it is not what a
// CDN serves for playback, which the streams are.
func vodUpload(e *vodEvent, ch *Change) error {
	if !change.IsVODID(e.VideoID) {
		return badID("VideoId", e.VideoID)
	}
	if p := urlPath(e.file()); p != "" && !strings.HasPrefix(p, "/"+e.VideoID+"/") {
		ch.Ignored = "the uploaded source file is stored outside the video's folder: playback is served from its streams, which TranscodeComplete refreshes"
		return nil
	}
	return vodFiles(e, ch, e.VideoID, e.file())
}

// vodFiles adds the files that urls name, each mapped onto the templates
// by its path. A video's files must lie in its folder: video is its ID, or
// "" when the event's media is not a video (any video's folder then, or
// VOD's image layout).
func vodFiles(e *vodEvent, ch *Change, video string, urls ...string) error {
	if video != "" && !change.IsVODID(video) {
		return badID("VideoId", video)
	}
	for _, u := range urls {
		if u == "" {
			continue
		}
		p, err := vodPath(u, video, "the URL")
		if err != nil {
			return err
		}
		ch.Items = append(ch.Items, Fields{Path: p})
	}
	return nil
}

// vodPath returns the path of a storage URL that an event names, when it
// fits VOD's layout: in the folder of video ("<VideoId>/..."), or, when
// video is "", of any video, or VOD's image layout
// ("image/default/<ImageId>..."). Anything else is refused: the body is
// not signed, so a path outside the layout could name any object.
func vodPath(raw, video, field string) (string, error) {
	p := urlPath(raw)
	if p == "" {
		return "", bad("vod", fmt.Sprintf("%s: %q is not an absolute http(s) URL", field, clip(raw)))
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	switch {
	case rest == "" || strings.HasSuffix(p, "/"):
	case video != "" && first == video:
		return p, nil
	case video == "" && change.IsVODID(first):
		return p, nil
	case video == "" && first == "image" && strings.HasPrefix(rest, "default/") && change.IsVODID(firstN(strings.TrimPrefix(rest, "default/"), 32)):
		return p, nil
	}
	where := "a video's folder (<VideoId>/...) or image/default/<ImageId>..."
	if video != "" {
		where = "the folder of video " + video
	}
	return "", bad("vod", fmt.Sprintf("%s: path %q is not a file in %s; nothing was refreshed", field, clip(p), where))
}

func firstN(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// badID refuses an ID that does not look like a VOD ID.
func badID(field, id string) error {
	if id == "" {
		return bad("vod", field+": is required")
	}
	return bad("vod", fmt.Sprintf("%s: %q is not a VOD ID (32 lower-case hex characters); nothing was refreshed", field, clip(id)))
}
