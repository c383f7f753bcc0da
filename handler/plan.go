package handler

import "fmt"

// Plan is the deduplicated set of paths that an invocation refreshes.
type Plan struct {
	Files       []string
	Directories []string
	Skipped     []Skip

	seen     map[string]bool
	floors   map[string]int  // file path -> folder depth coalescing may not go above
	prefetch map[string]bool // file paths to prefetch once refreshed
	wait     bool            // wait for the refresh tasks to finish
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
	if objectType == TypeDirectory {
		p.Directories = append(p.Directories, path)
	} else {
		p.Files = append(p.Files, path)
	}
}

// addFile adds a file path whose folders above depth floor must not be
// refreshed in its place.
func (p *Plan) addFile(path string, floor int) {
	p.add(TypeFile, path)
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
// A record that no rule covers is skipped with a reason; a record that
// cannot be read is an error, and then nothing is planned.
func (c *Config) PlanOSS(records []ObjectEvent) (*Plan, error) {
	p := &Plan{}
	removed := map[string]bool{}
	defer func() {
		for path, warm := range p.prefetch {
			if !warm || removed[path] {
				delete(p.prefetch, path)
			}
		}
	}()
	for _, ev := range records {
		skip := func(reason string) {
			p.Skipped = append(p.Skipped, Skip{Record: ev.Index, Event: ev.EventName, Bucket: ev.Bucket, Key: ev.Key, Reason: reason})
		}
		if ev.Change() == "" {
			skip(fmt.Sprintf("event %s does not change an object", ev.EventName))
			continue
		}
		key := ev.Key
		if c.KeyEncoding == "url" {
			k, err := DecodeKey(key)
			if err != nil {
				return nil, fmt.Errorf("record %d (bucket %s): %w (keyEncoding is url)", ev.Index, ev.Bucket, err)
			}
			key = k
		}
		if hasDotSegment(key) {
			skip("the key has a '.' or '..' segment, which a browser resolves away: no URL addresses it")
			continue
		}
		matched := false
		for _, r := range c.rules {
			if !r.matches(ev.Bucket, key) {
				continue
			}
			matched = true
			// No per-path allowlist check is needed: each template's scheme
			// and host are literal and were checked at start-up, and the key
			// is encoded so that it cannot leave the path (FuzzParseOSSEvent
			// holds this).
			for i, path := range r.paths(key) {
				if r.objectType == TypeDirectory && IsRoot(path) && !c.AllowRootDirectory {
					p.Skipped = append(p.Skipped, Skip{Record: ev.Index, Event: ev.EventName, Bucket: ev.Bucket, Key: ev.Key, Path: path,
						Reason: fmt.Sprintf("rule %s would refresh the domain root; set allowRootDirectory to allow it", r.name)})
					continue
				}
				if r.objectType == TypeFile {
					p.addFile(path, r.floors[i])
					if r.prefetch {
						if p.prefetch == nil {
							p.prefetch = make(map[string]bool)
						}
						// Only created objects are warmed; one that the same
						// event also removed is not.
						p.prefetch[path] = p.prefetch[path] || ev.Change() == ChangeCreated
						if ev.Change() == ChangeRemoved {
							removed[path] = true
						}
					}
				} else {
					p.add(r.objectType, path)
				}
				p.wait = p.wait || r.wait
			}
		}
		if !matched {
			skip(fmt.Sprintf("no oss rule matches bucket %q and this key", ev.Bucket))
		}
	}
	return p, nil
}

// Batch is one RefreshVodObjectCaches call's worth of paths.
type Batch struct {
	ObjectType string
	Paths      []string
}

// Batches splits the plan into API calls: files and directories never share
// a call, and no call holds more than the configured batch size.
func (c *Config) Batches(p *Plan) []Batch {
	var out []Batch
	split := func(objectType string, paths []string, size int) {
		for len(paths) > 0 {
			n := min(size, len(paths))
			out = append(out, Batch{ObjectType: objectType, Paths: paths[:n:n]})
			paths = paths[n:]
		}
	}
	split(TypeFile, p.Files, c.FileBatch())
	split(TypeDirectory, p.Directories, c.DirectoryBatch())
	return out
}
