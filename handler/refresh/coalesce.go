package refresh

import "strings"

// urlDepth returns the number of folders in a URL's path: 0 for
// "https://h/x.png", 2 for "https://h/a/b/x.png" and for "https://h/a/b/".
func urlDepth(path string) int {
	_, segs, ok := splitDirs(path)
	if !ok {
		return 0
	}
	return len(segs)
}

// splitDirs splits an absolute URL into its base (scheme://host) and the
// folders that hold it, as written (already encoded). A URL ending in "/" is
// itself a folder.
func splitDirs(raw string) (base string, dirs []string, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", nil, false
	}
	j := strings.IndexByte(raw[i+3:], '/')
	if j < 0 {
		return raw, nil, true
	}
	base, p := raw[:i+3+j], raw[i+3+j+1:]
	if k := strings.IndexAny(p, "?#"); k >= 0 {
		p = p[:k]
	}
	if k := strings.LastIndexByte(p, '/'); k >= 0 {
		p = p[:k]
	} else {
		p = ""
	}
	if p == "" {
		return base, nil, true
	}
	return base, strings.Split(p, "/"), true
}

// coalesceInput is a file URL that may be covered by a directory refresh.
type coalesceInput struct {
	url   string
	floor int // the shallowest folder depth it may be covered from
}

// coalesceEntry is a file URL and the folder depth it is covered from.
type coalesceEntry struct {
	url   string
	base  string
	segs  []string
	depth int
	floor int
}

// folder returns the folder the entry is covered from, ending in '/'.
func (e *coalesceEntry) folder() string {
	return e.base + "/" + strings.Join(e.segs[:e.depth], "/") + "/"
}

// coalesce covers file URLs with as few directory refreshes as fit within
// limit, staying as deep as possible: each URL starts at the folder that
// holds it, and the deepest folders move one level up, together, only while
// there are more folders than limit. No folder goes above its URL's floor.
// URLs that cannot be covered (they sit above their floor) are returned in
// rest. ok is false when the folders cannot be brought within limit.
func coalesce(in []coalesceInput, limit int) (dirs []string, cover map[string]string, rest []string, ok bool) {
	var es []*coalesceEntry
	for _, c := range in {
		base, segs, good := splitDirs(c.url)
		if !good || len(segs) < c.floor || len(segs) == 0 {
			rest = append(rest, c.url)
			continue
		}
		es = append(es, &coalesceEntry{url: c.url, base: base, segs: segs, depth: len(segs), floor: c.floor})
	}
	for {
		dirs = outermost(es)
		if len(dirs) <= limit {
			break
		}
		if !raiseDeepest(es) {
			return nil, nil, nil, false
		}
	}
	if limit <= 0 && len(es) > 0 {
		return nil, nil, nil, false
	}
	cover = make(map[string]string, len(es))
	for _, e := range es {
		k := e.folder()
		for _, d := range dirs {
			if strings.HasPrefix(k, d) {
				cover[e.url] = d
				break
			}
		}
	}
	return dirs, cover, rest, true
}

// outermost returns the distinct folders of the entries, without those
// inside another of them, in the order they first appear.
func outermost(es []*coalesceEntry) []string {
	order := []string{}
	seen := map[string]bool{}
	for _, e := range es {
		if k := e.folder(); !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
	}
	var dirs []string
	for _, k := range order {
		if !insideAny(k, seen) {
			dirs = append(dirs, k)
		}
	}
	return dirs
}

// raiseDeepest moves the deepest entries that are still below their floor
// one folder up; false when none can move.
func raiseDeepest(es []*coalesceEntry) bool {
	deepest := -1
	for _, e := range es {
		if e.depth > e.floor && e.depth > deepest {
			deepest = e.depth
		}
	}
	if deepest < 0 {
		return false
	}
	for _, e := range es {
		if e.depth == deepest && e.depth > e.floor {
			e.depth--
		}
	}
	return true
}

// insideAny reports whether folder k lies inside another folder of set.
func insideAny(k string, set map[string]bool) bool {
	for p := range set {
		if p != k && strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
