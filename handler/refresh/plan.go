package refresh

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// Plan is the deduplicated set of paths that an invocation refreshes.
type Plan struct {
	Files       []string
	Directories []string
	Skipped     Skips
	// Warm holds the file paths to prefetch once their refresh went through.
	Warm map[string]bool
	// Wait: wait for the refresh tasks to finish.
	Wait bool
	// Origins lists, for each path, the IDs of the records that asked for
	// it (see event.ObjectEvent.ID).
	Origins map[string][]string
	// Done lists the paths that an earlier attempt of their event
	// submitted: they are not submitted again.
	Done []string
	// Media lists the videos refreshed by their IDs (mode: playUrls).
	Media []Media
	// Asked lists the questions planning put to what the deployment
	// remembers, when it planned with no Seen: each (event, path) pair,
	// in order. The caller reads their answers (Seen) once and plans
	// again with them.
	Asked []Question

	// files holds each planned file path with the folder depth coalescing
	// may not go above; dirs holds the planned directories.
	files map[string]int
	dirs  map[string]struct{}
	done  map[string]struct{} // the paths in Done
	hint  int                 // how many file paths to make room for at once
	ticks int                 // the items planning counted (see clock), which fitting counts on from
	cur   event.ObjectEvent   // the record being planned
	seen  Seen                // nil on a first pass, which records Asked

	// folders holds, by directory, what replaces each directory planned
	// for a playlist's folder when no directory is left (see fallback).
	folders map[string]*fallback
	// segments holds, by the directory of their folder, the URLs of the
	// new segments skipped because a playlist's folder refresh covers them.
	segments map[string][]fallbackURL
	// skippedSegments holds the records skipped as newSegment.
	skippedSegments map[int]bool
}

// Question asks whether an earlier attempt of the event ID (see
// event.ObjectEvent.ID) submitted Path, or what else needs no refresh of
// it.
type Question struct{ ID, Path string }

// Seen is what the deployment remembers of earlier attempts and refreshes,
// read once before planning: each question answered yes, with why the
// path needs no refresh ("" when an earlier attempt of its event
// submitted it; else, say, the directory refresh that covers it). FC
// retries a failed invocation, and a queue redelivers a failed batch,
// with the same events.
type Seen map[Question]string

// Skip records an event record, or a path, that was not refreshed, and why.
type Skip struct {
	Record int    `json:"record"`
	Event  string `json:"event,omitempty"`
	Bucket string `json:"bucket,omitempty"`
	Key    string `json:"key,omitempty"`
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
}

// add puts path into the plan once per object type, unless an earlier
// attempt of the record being planned submitted it; it reports whether the
// path is to be submitted.
func (p *Plan) add(objectType, path string) bool {
	if !p.fresh(path) {
		return false
	}
	if objectType == config.TypeDirectory {
		if _, ok := p.dirs[path]; !ok {
			if p.dirs == nil {
				p.dirs = make(map[string]struct{})
			}
			p.dirs[path] = struct{}{}
			p.Directories = append(p.Directories, path)
		}
		return true
	}
	if _, ok := p.files[path]; !ok {
		if p.files == nil {
			p.files = make(map[string]int, p.hint)
			p.Files = slices.Grow(p.Files, p.hint)
		}
		p.files[path] = 0
		p.Files = append(p.Files, path)
	}
	return true
}

// fresh reports whether path (or a media ID) is to be submitted for the
// record being planned, and records the record as one that asked for it;
// false, with the skip recorded, when an earlier attempt of the record's
// event submitted it.
func (p *Plan) fresh(path string) bool {
	id := p.cur.ID
	if id == "" {
		return true
	}
	q := Question{id, path}
	if p.seen == nil {
		if p.Asked == nil {
			p.Asked = make([]Question, 0, p.hint)
		}
		p.Asked = append(p.Asked, q)
	} else if why, ok := p.seen[q]; ok {
		if _, ok := p.done[path]; !ok {
			if p.done == nil {
				p.done = make(map[string]struct{})
			}
			p.done[path] = struct{}{}
			p.Done = append(p.Done, path)
			reason := cmp.Or(why, "an earlier attempt of this event submitted it")
			p.Skipped.Add(recordSkip(p.cur, path, reason))
		}
		return false
	}
	if p.Origins == nil {
		p.Origins = make(map[string][]string, p.hint)
	}
	if !slices.Contains(p.Origins[path], id) {
		p.Origins[path] = append(p.Origins[path], id)
	}
	return true
}

// addFile adds a file path whose folders above depth floor must not be
// refreshed in its place.
func (p *Plan) addFile(path string, floor int) {
	if p.add(config.TypeFile, path) && floor > p.files[path] {
		p.files[path] = floor
	}
}

// floor returns the folder depth that coalescing may not go above for the
// planned file path.
func (p *Plan) floor(path string) int { return p.files[path] }

// WithoutFiles returns a copy of p without the file paths in drop.
func (p *Plan) WithoutFiles(drop []string) *Plan {
	gone := make(map[string]bool, len(drop))
	for _, f := range drop {
		gone[f] = true
	}
	var files []string
	for _, f := range p.Files {
		if !gone[f] {
			files = append(files, f)
		}
	}
	return p.withDirectories(files, p.Directories)
}

// Size returns the number of paths and media in the plan.
func (p *Plan) Size() int { return len(p.Files) + len(p.Directories) + len(p.Media) }

// PlanOSS maps OSS records to refresh paths through the configured rules
// (Plan with the records alone, and no deadline).
func (pl *Planner) PlanOSS(records []event.ObjectEvent, seen Seen) *Plan {
	p, _ := pl.plan(context.Background(), nil, Input{Records: records}, seen)
	return p
}

// planOSS plans records into p, and stops, with the plan so far and an
// error from c, once ctx is done.
func (pl *Planner) planOSS(ctx context.Context, c *clock, p *Plan, records []event.ObjectEvent) error {
	removed := map[string]bool{}
	for i, ev := range records {
		p.cur = ev
		if reason := pl.planRecord(p, ev, removed); reason != "" {
			p.Skipped.Add(recordSkip(ev, "", reason))
			if reason == newSegment {
				p.markSkipped(ev.Index)
			}
		}
		if err := c.tick(ctx, "planning records", i+1, len(records)); err != nil {
			return err
		}
	}
	for path, warm := range p.Warm {
		if !warm || removed[path] {
			delete(p.Warm, path)
		}
	}
	return nil
}

// planRecord adds one record's paths to p, and returns why it adds none
// when it does not. removed collects the prefetch paths the event removes.
func (pl *Planner) planRecord(p *Plan, ev event.ObjectEvent, removed map[string]bool) string {
	if why := ev.Refused; why != "" {
		return why
	}
	if why := ev.NoChange; why != "" {
		return why
	}
	if hasDotSegment(ev.Key) {
		return "the key has a '.' or '..' segment, which a browser resolves away: no URL addresses it"
	}
	why, added := "", false
	for _, r := range pl.rules {
		if !r.matches(ev.Bucket, ev.Key) {
			continue
		}
		if reason := pl.planRule(p, r, ev, removed); reason != "" {
			why = reason
			continue
		}
		added = true
	}
	switch {
	case added:
		return ""
	case why == "":
		return fmt.Sprintf("no oss rule matches bucket %q and this key", ev.Bucket)
	}
	return why
}

// newSegment is why a new media segment is skipped.
const newSegment = "a new media segment: nothing is cached for it yet, and its playlist's folder refresh covers it"

// planRule adds what rule r makes of ev, or returns why it makes nothing.
// With video-aware planning, a new media segment makes nothing where its
// playlist's folder refresh covers it (or the rule refreshes playlists by
// URL alone), and a created or changed playlist makes a directory refresh
// of its folder where one may be made.
func (pl *Planner) planRule(p *Plan, r *rule, ev event.ObjectEvent, removed map[string]bool) string {
	if r.video {
		switch classify(ev.Key) {
		case segment:
			if ev.Change != event.ChangeCreated {
				break
			}
			if r.urlOnly {
				return newSegment
			}
			if dirs, ok := pl.playlistFolder(r, ev.Key); ok {
				p.addSegment(r, ev, dirs)
				return newSegment
			}
		case playlist:
			if ev.Change != event.ChangeRemoved && !r.urlOnly && pl.addFolder(p, r, ev) {
				return ""
			}
		}
	}
	// No per-path allowlist check is needed: each template's scheme and
	// host are literal and were checked at start-up, and the key is encoded
	// so that it cannot leave the path (FuzzPlanOSS holds this).
	enc := r.target(ev.Key)
	for i, t := range r.templates {
		pl.addRulePath(p, r, i, t.fill(enc), ev, removed)
	}
	return ""
}

// playlistFolder returns the directories, one per template of rule r,
// that a playlist in the folder holding key refreshes, and whether it may:
// each must lie strictly below the rule's prefix (a playlist directly in
// the prefix would refresh all of it), at or below the minimum depth, and
// so never be a domain root. Depths are judged on paths as a CDN reads
// them (see dirDepth).
func (pl *Planner) playlistFolder(r *rule, key string) ([]string, bool) {
	dirs := r.expand(folderOf(key))
	for i, d := range dirs {
		if n := dirDepth(d); n <= r.floors[i] || n < pl.minDepth() {
			return nil, false
		}
	}
	return dirs, true
}

// addFolder adds a directory refresh of the folder that holds ev's
// playlist, through each of the rule's templates, and remembers the
// playlist's URLs to refresh instead should no directory be left. It adds
// nothing and returns false when playlistFolder says no; the playlist's
// own URL is refreshed instead.
func (pl *Planner) addFolder(p *Plan, r *rule, ev event.ObjectEvent) bool {
	dirs, ok := pl.playlistFolder(r, ev.Key)
	if !ok {
		return false
	}
	enc := r.target(ev.Key)
	for i, d := range dirs {
		if pl.tooLong(d) != "" || pl.tooLong(r.templates[i].fill(enc)) != "" {
			return false // the playlist's own URL is judged, and skipped, as a file
		}
	}
	for i, d := range dirs {
		if p.add(config.TypeDirectory, d) {
			f := p.fallbackFor(d)
			f.urls = append(f.urls, fallbackURL{path: r.templates[i].fill(enc), floor: r.floors[i], id: ev.ID, record: -1})
		}
	}
	p.Wait = p.Wait || r.wait
	return true
}

// minDepth is the shallowest folder a directory refresh may be made for:
// the configured minimum, and never a domain root unless it is allowed.
func (pl *Planner) minDepth() int {
	if pl.cfg.AllowRootDirectory {
		return pl.cfg.Quota.MinDepth()
	}
	return max(pl.cfg.Quota.MinDepth(), 1)
}

// addRulePath adds the path that template i of rule r made for ev.
func (pl *Planner) addRulePath(p *Plan, r *rule, i int, path string, ev event.ObjectEvent, removed map[string]bool) {
	if why := pl.tooLong(path); why != "" {
		p.Skipped.Add(recordSkip(ev, ShortPath(path), "refused for good: "+why))
		return
	}
	if r.objectType == config.TypeDirectory {
		if IsRoot(path) && !pl.cfg.AllowRootDirectory {
			p.Skipped.Add(recordSkip(ev, path,
				fmt.Sprintf("rule %s would refresh the domain root; set allowRootDirectory to allow it", r.name)))
			return
		}
		if n := dirDepth(path); n < r.floors[i] {
			p.Skipped.Add(recordSkip(ev, path,
				fmt.Sprintf("rule %s would refresh a folder above its prefix once the path is read as a CDN reads it (%d folders deep, the prefix %d)", r.name, n, r.floors[i])))
			return
		}
		if p.add(r.objectType, path) {
			p.fallbackFor(path).pinned = true
		}
		p.Wait = p.Wait || r.wait
		return
	}
	p.addFile(path, r.floors[i])
	if r.prefetch {
		if p.Warm == nil {
			p.Warm = make(map[string]bool)
		}
		// Only created objects are warmed; one that the same event also
		// removed is not.
		p.Warm[path] = p.Warm[path] || ev.Change == event.ChangeCreated
		if ev.Change == event.ChangeRemoved {
			removed[path] = true
		}
	}
	p.Wait = p.Wait || r.wait
}
