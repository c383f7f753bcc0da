package change

import (
	"fmt"
	"strings"
)

// IsVODID reports whether s looks like a VOD media ID (a VideoId, MediaId
// or ImageId): 32 lower-case hex characters.
func IsVODID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// VideoFolder returns the item that stands for a video's folder, "<id>/",
// where VOD keeps everything derived from the video (streams, snapshots,
// animated images): one Directory refresh purges it. id must be checked
// with IsVODID.
func VideoFolder(id string) Fields {
	return Fields{VideoID: id, Path: "/" + id + "/", Directory: true}
}

// SelectStreams keeps the transcoded streams of ch that policy refreshes:
// always, never, or auto (the default: only streams whose file name does
// not carry their job ID, whose names a new transcode repeats, so that
// the CDN may hold the old file under the same URL). The others are noted.
func SelectStreams(ch Change, policy string) Change {
	if policy == "always" {
		return ch
	}
	var kept []Fields
	for _, it := range ch.Items {
		switch {
		case it.Stream == "" && !it.JobNamed:
			kept = append(kept, it)
		case policy == "never":
			ch.Notes = append(ch.Notes, fmt.Sprintf("stream %s not refreshed (streams: never)", it.Path))
		case it.JobNamed:
			ch.Notes = append(ch.Notes, fmt.Sprintf("stream %s carries its job ID %s in its name: a new URL, nothing cached under it (streams: auto)", it.Path, it.Stream))
		default:
			kept = append(kept, it)
		}
	}
	if len(ch.Items) > 0 && len(kept) == 0 && ch.Ignored == "" {
		ch.Ignored = strings.Join(ch.Notes, "; ")
	}
	ch.Items = kept
	return ch
}
