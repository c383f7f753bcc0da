package refresh

import (
	"fmt"

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

	seen   map[string]bool
	floors map[string]int // file path -> folder depth coalescing may not go above
}

// Skip records an event record, or a path, that was not refreshed, and why.
type Skip struct {
	Record int    `json:"record"`
	Event  string `json:"event,omitempty"`
	Bucket string `json:"bucket,omitempty"`
	Key    string `json:"key,omitempty"`
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
}

// add puts path into the plan once per object type.
func (p *Plan) add(objectType, path string) {
	if p.seen == nil {
		p.seen = make(map[string]bool)
	}
	k := objectType + "\n" + path
	if p.seen[k] {
		return
	}
	p.seen[k] = true
	if objectType == config.TypeDirectory {
		p.Directories = append(p.Directories, path)
	} else {
		p.Files = append(p.Files, path)
	}
}

// addFile adds a file path whose folders above depth floor must not be
// refreshed in its place.
func (p *Plan) addFile(path string, floor int) {
	p.add(config.TypeFile, path)
	if p.floors == nil {
		p.floors = make(map[string]int)
	}
	if f, ok := p.floors[path]; !ok || floor > f {
		p.floors[path] = floor
	}
}

// Size returns the number of paths in the plan.
func (p *Plan) Size() int { return len(p.Files) + len(p.Directories) }

// PlanOSS maps OSS records to refresh paths through the configured rules.
// A record that no rule covers is skipped with a reason.
func (pl *Planner) PlanOSS(records []event.ObjectEvent) *Plan {
	p := &Plan{}
	removed := map[string]bool{}
	for _, ev := range records {
		if reason := pl.planRecord(p, ev, removed); reason != "" {
			p.Skipped.Add(recordSkip(ev, "", reason))
		}
	}
	for path, warm := range p.Warm {
		if !warm || removed[path] {
			delete(p.Warm, path)
		}
	}
	return p
}

// planRecord adds one record's paths to p, and returns why it adds none
// when it does not. removed collects the prefetch paths the event removes.
func (pl *Planner) planRecord(p *Plan, ev event.ObjectEvent, removed map[string]bool) string {
	if ev.Change() == "" {
		return fmt.Sprintf("event %s does not change an object", ev.EventName)
	}
	if hasDotSegment(ev.Key) {
		return "the key has a '.' or '..' segment, which a browser resolves away: no URL addresses it"
	}
	matched := false
	for _, r := range pl.rules {
		if !r.matches(ev.Bucket, ev.Key) {
			continue
		}
		matched = true
		// No per-path allowlist check is needed: each template's scheme and
		// host are literal and were checked at start-up, and the key is
		// encoded so that it cannot leave the path (FuzzPlanOSS holds this).
		for i, path := range r.paths(ev.Key) {
			pl.addRulePath(p, r, i, path, ev, removed)
		}
	}
	if !matched {
		return fmt.Sprintf("no oss rule matches bucket %q and this key", ev.Bucket)
	}
	return ""
}

// addRulePath adds the path that template i of rule r made for ev.
func (pl *Planner) addRulePath(p *Plan, r *rule, i int, path string, ev event.ObjectEvent, removed map[string]bool) {
	if r.objectType == config.TypeDirectory {
		if IsRoot(path) && !pl.cfg.AllowRootDirectory {
			p.Skipped.Add(recordSkip(ev, path,
				fmt.Sprintf("rule %s would refresh the domain root; set allowRootDirectory to allow it", r.name)))
			return
		}
		p.add(r.objectType, path)
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
		p.Warm[path] = p.Warm[path] || ev.Change() == event.ChangeCreated
		if ev.Change() == event.ChangeRemoved {
			removed[path] = true
		}
	}
	p.Wait = p.Wait || r.wait
}

// Batch is one RefreshVodObjectCaches call's worth of paths.
type Batch struct {
	ObjectType string
	Paths      []string
	// Stop, when set, is why the call must not be sent: the API would
	// reject it as malformed (see Check).
	Stop *Malformed
}

// Batches splits the plan into API calls: files and directories never share
// a call, and no call holds more than the configured batch size. Each batch
// is checked before it leaves the planner.
func (pl *Planner) Batches(p *Plan) []Batch {
	var out []Batch
	split := func(objectType string, paths []string, size int) {
		for len(paths) > 0 {
			n := min(size, len(paths))
			b := Batch{ObjectType: objectType, Paths: paths[:n:n]}
			b.Stop = Check(b)
			out = append(out, b)
			paths = paths[n:]
		}
	}
	split(config.TypeFile, p.Files, pl.cfg.FileBatch())
	split(config.TypeDirectory, p.Directories, pl.cfg.DirectoryBatch())
	return out
}
