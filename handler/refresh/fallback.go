package refresh

import (
	"maps"
	"slices"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// fallback is what replaces a directory planned for a playlist's folder
// when the directory quota cannot carry it: the playlists' own URLs (and,
// see Plan.segments, those of the new segments named in the folder).
type fallback struct {
	urls []fallbackURL
	// pinned: a Directory rule asked for the same directory, which no URL
	// stands in for.
	pinned bool
}

// fallbackURL is a file URL that stands in for a directory, with the floor
// coalescing keeps it at, the ID of the record that named it, and the
// record's index when the record was skipped as a new segment (else -1).
type fallbackURL struct {
	path   string
	floor  int
	id     string
	record int
}

// fallbackFor returns the fallback of the planned directory dir, made on
// first use.
func (p *Plan) fallbackFor(dir string) *fallback {
	f, ok := p.folders[dir]
	if !ok {
		if p.folders == nil {
			p.folders = make(map[string]*fallback)
		}
		f = &fallback{}
		p.folders[dir] = f
	}
	return f
}

// addSegment remembers the URLs of ev's new segment, which rule r makes
// through each template, under the directories of its folder, dirs: they
// are refreshed if a playlist's folder refresh there falls back to URLs.
func (p *Plan) addSegment(r *rule, ev event.ObjectEvent, dirs []string) {
	enc := r.target(ev.Key)
	if p.segments == nil {
		p.segments = make(map[string][]fallbackURL)
	}
	for i, d := range dirs {
		p.segments[d] = append(p.segments[d], fallbackURL{path: r.templates[i].fill(enc), floor: r.floors[i], id: ev.ID, record: ev.Index})
	}
}

// markSkipped records that record i was skipped as a new segment.
func (p *Plan) markSkipped(i int) {
	if p.skippedSegments == nil {
		p.skippedSegments = make(map[int]bool)
	}
	p.skippedSegments[i] = true
}

// withFallbacks returns a copy of p in which every directory planned for a
// playlist's folder (and asked for by no Directory rule) is replaced by the
// URLs of the playlists and of the new segments that the records named in
// that folder; the segments are no longer reported as skipped. It returns
// nil when p has no such directory.
func (p *Plan) withFallbacks() *Plan {
	dropped := map[string]bool{}
	for _, d := range p.Directories {
		if f, ok := p.folders[d]; ok && !f.pinned && len(f.urls) > 0 {
			dropped[d] = true
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	out := &Plan{Files: slices.Clip(p.Files), Warm: p.Warm, Wait: p.Wait, Origins: maps.Clone(p.Origins), Done: p.Done, Media: p.Media,
		files: maps.Clone(p.files), hint: len(p.Files)}
	restored := map[int]bool{}
	for _, d := range p.Directories {
		if !dropped[d] {
			out.add(config.TypeDirectory, d)
			continue
		}
		for _, u := range slices.Concat(p.folders[d].urls, p.segments[d]) {
			out.addFile(u.path, u.floor)
			if u.id != "" {
				if out.Origins == nil {
					out.Origins = make(map[string][]string)
				}
				if !slices.Contains(out.Origins[u.path], u.id) {
					out.Origins[u.path] = append(out.Origins[u.path], u.id)
				}
			}
			if u.record >= 0 && p.skippedSegments[u.record] {
				restored[u.record] = true
			}
		}
	}
	out.Skipped = p.Skipped.without(restored, newSegment)
	return out
}

// without returns s less the skips of the given records for reason.
func (s Skips) without(records map[int]bool, reason string) Skips {
	if len(records) == 0 {
		return s
	}
	out := Skips{Count: s.Count - len(records), Reasons: maps.Clone(s.Reasons)}
	for _, k := range s.Sample {
		if !(k.Reason == reason && records[k.Record]) {
			out.Sample = append(out.Sample, k)
		}
	}
	key := reason
	if _, ok := out.Reasons[key]; !ok {
		key = OtherReasons
	}
	if out.Reasons[key] -= len(records); out.Reasons[key] <= 0 {
		delete(out.Reasons, key)
	}
	if len(out.Reasons) == 0 {
		out.Reasons = nil
	}
	return out
}
