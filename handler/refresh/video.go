package refresh

import (
	"path"
	"strings"
)

// media is what video-aware planning makes of an object key.
type media int

const (
	plainFile media = iota // anything else: refreshed as a file
	playlist               // an HLS or DASH playlist (manifest)
	segment                // a media segment, init segment or subtitle chunk a playlist lists
)

// segmentExts are the extensions packagers give media segments: MPEG-TS
// (.ts), fragmented MP4 and CMAF (.m4s, .m4v, .cmfv, .cmfa, .cmft, .cmfm),
// packed audio (.aac, .ac3, .ec3) and WebVTT subtitle segments (.vtt,
// .webvtt). Plain .mp4 is a segment only by name (see isMP4Segment): a
// progressive download is an .mp4 too.
var segmentExts = map[string]bool{
	".ts": true, ".m4s": true, ".m4v": true,
	".cmfv": true, ".cmfa": true, ".cmft": true, ".cmfm": true,
	".aac": true, ".ac3": true, ".ec3": true,
	".vtt": true, ".webvtt": true,
}

// classify tells playlists and media segments from plain files by the key's
// name: HLS playlists end in .m3u8, DASH manifests in .mpd.
func classify(key string) media {
	name := strings.ToLower(path.Base(key))
	ext := path.Ext(name)
	switch {
	case ext == ".m3u8" || ext == ".mpd":
		return playlist
	case segmentExts[ext], ext == ".mp4" && isMP4Segment(strings.TrimSuffix(name, ext)):
		return segment
	}
	return plainFile
}

// isMP4Segment reports whether an .mp4 file's base name is that of an init
// segment or a fragment as packagers name them: init.mp4, video_init.mp4,
// seg-12.mp4, segment_00012.mp4, chunk-stream0-00012.mp4, fragment3.mp4.
func isMP4Segment(base string) bool {
	if strings.Contains(base, "init") {
		return true
	}
	for _, p := range []string{"segment", "seg", "chunk", "fragment", "frag"} {
		if rest, ok := strings.CutPrefix(base, p); ok && rest != "" && strings.IndexFunc(rest, isDigit) >= 0 {
			return true
		}
	}
	return false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }
