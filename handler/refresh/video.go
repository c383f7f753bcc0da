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

// segmentExts are the extensions that only media segments have: MPEG-TS
// (.ts: ffmpeg's HLS default "<playlist><N>.ts", Bento4's "segment-<N>.ts"),
// fragmented MP4 (.m4s: ffmpeg's "<N>.m4s" and DASH "init-stream<N>.m4s",
// "chunk-stream<N>-<NNNNN>.m4s", Bento4's "seg-<N>.m4s") and CMAF tracks
// (.cmfv, .cmfa, .cmft, .cmfm).
var segmentExts = map[string]bool{
	".ts": true, ".m4s": true,
	".cmfv": true, ".cmfa": true, ".cmft": true, ".cmfm": true,
}

// numberedExts are extensions that segments share with ordinary files:
// packed audio (.aac, .ac3, .ec3), WebVTT subtitles (.vtt, .webvtt) and
// .m4v video. A file of these is a segment only when its name ends in a
// sequence number, as packagers write them ("a_00001.aac", ffmpeg's
// "<playlist><N>.vtt"); "podcast.aac" or "en.vtt" is refreshed.
var numberedExts = map[string]bool{
	".aac": true, ".ac3": true, ".ec3": true,
	".vtt": true, ".webvtt": true, ".m4v": true,
}

// classify tells playlists and media segments from plain files by the key's
// name: HLS playlists end in .m3u8, DASH manifests in .mpd. When the name
// leaves it in doubt, the key is a plain file: refreshing a segment costs a
// URL, but skipping a file leaves it stale.
func classify(key string) media {
	name := strings.ToLower(path.Base(key))
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	switch {
	case ext == ".m3u8" || ext == ".mpd":
		return playlist
	case segmentExts[ext],
		numberedExts[ext] && base != "" && isDigit(rune(base[len(base)-1])),
		ext == ".mp4" && isMP4Segment(base):
		return segment
	}
	return plainFile
}

// fragmentWords are the words packagers start fragment names with.
var fragmentWords = []string{"segment", "seg", "chunk", "fragment", "frag"}

// isMP4Segment reports whether an .mp4 file's base name (lower case) is
// that of an fMP4 init segment or fragment as packagers name them; a
// progressive download is an .mp4 too, so only these names count:
//   - an init segment: "init" (ffmpeg's HLS default, Shaka's and Bento4's),
//     "init" then '-' or '_' and a stream number ("init_0", "init-stream0"),
//     or a name ending in "_init", "-init" or "dashinit" ("video_init",
//     GPAC's "x_dashinit");
//   - a fragment: a fragment word, directly followed by its number or by
//     '-' or '_' parts that are all numbers or "stream<N>", the last a
//     number ("seg-3", "segment_00012", "fragment3",
//     "chunk-stream0-00012").
//
// "infinity", "definitive-cut", "segway-2024" and "chunky-2" are not.
func isMP4Segment(base string) bool {
	if base == "init" || strings.HasSuffix(base, "_init") || strings.HasSuffix(base, "-init") || strings.HasSuffix(base, "dashinit") {
		return true
	}
	parts := strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 || base[0] == '-' || base[0] == '_' {
		return false
	}
	if parts[0] == "init" {
		return len(parts) == 2 && streamNumber(parts[1])
	}
	for _, w := range fragmentWords {
		rest, ok := strings.CutPrefix(parts[0], w)
		if !ok || rest != "" && !allDigits(rest) {
			continue
		}
		if len(parts) == 1 {
			return rest != ""
		}
		for _, p := range parts[1 : len(parts)-1] {
			if !streamNumber(p) {
				return false
			}
		}
		return allDigits(parts[len(parts)-1])
	}
	return false
}

// streamNumber reports whether s is a number or "stream" and a number, as
// packagers name a stream or representation.
func streamNumber(s string) bool {
	return allDigits(strings.TrimPrefix(s, "stream"))
}

// allDigits reports whether s is a non-empty run of decimal digits.
func allDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !isDigit(r) }) < 0
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }
