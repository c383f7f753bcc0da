package refresh

import (
	"slices"
	"strings"
)

// folderSpan locates the folders of an absolute URL, as written (already
// encoded). root is the index of the '/' that ends scheme://host, or -1
// when the URL has no path (the host ends at a '/', '?' or '#'); end is
// where its path ends (at '?', '#' or the
// end of the URL). Every '/' from root to end closes a folder, and the
// folder is the URL up to and including it: folders are slices of the URL,
// never new strings. A URL ending in '/' is itself a folder. ok is false
// for a URL that is not absolute.
func folderSpan(raw string) (root, end int, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return -1, -1, false
	}
	j := strings.IndexAny(raw[i+3:], "/?#")
	if j < 0 || raw[i+3+j] != '/' {
		return -1, len(raw), true
	}
	root, end = i+3+j, len(raw)
	if k := strings.IndexAny(raw[root+1:], "?#"); k >= 0 {
		end = root + 1 + k
	}
	return root, end, true
}

// urlDepth returns the number of folders in a URL's path: 0 for
// "https://h/x.png", 2 for "https://h/a/b/x.png" and for "https://h/a/b/".
func urlDepth(path string) int {
	root, end, ok := folderSpan(path)
	if !ok || root < 0 {
		return 0
	}
	return strings.Count(path[root+1:end], "/")
}

// nextFolder returns the index of the '/' that closes the folder below the
// one closed at i, in a URL whose path ends at end; -1 when there is none.
func nextFolder(url string, i, end int) int {
	k := strings.IndexByte(url[i+1:end], '/')
	if k < 0 {
		return -1
	}
	return i + 1 + k
}

// coalesceInput is a file URL that may be covered by a directory refresh.
type coalesceInput struct {
	url   string
	floor int // the shallowest folder depth it may be covered from
}

// coalesceEntry is a file URL of coalesce's input, in[in], and the folder
// it is covered from. (Offsets are int32 to keep entries small: a URL is
// far shorter than 2 GB.)
type coalesceEntry struct {
	folder string // the folder it is covered from, a slice of its URL
	in     int32
	root   int32 // see folderSpan
	end    int32
	depth  int32 // the depth of the folder that holds it
	floor  int32
}

// at sets the folder the entry, of URL url, is covered from when folders
// rise to depth t: its own folder, or the one at depth t above it, but never
// one above its floor.
func (e *coalesceEntry) at(url string, t int) {
	d := max(int(e.floor), min(int(e.depth), t))
	i := int(e.root)
	for ; d > 0; d-- {
		i = nextFolder(url, i, int(e.end))
	}
	e.folder = url[:i+1]
}

// coalesce covers file URLs with as few directory refreshes as fit within
// limit, staying as deep as possible: each URL starts at the folder that
// holds it, and the deepest folders move one level up, together, only while
// there are more folders than limit. No folder goes above its URL's floor.
// cover[i] is the directory that covers in[i], or "" when in[i] cannot be
// covered (it sits above its floor) and stays a URL. ok is false when the
// folders cannot be brought within limit.
//
// Folders rising level by level from the deepest put, at level t, every URL
// under its folder at depth t, or its own folder when that is shallower, or
// its floor when that is deeper. Moving folders up never makes more
// outermost folders, so the deepest level whose folders fit is found by
// bisection over the levels, each level costing a sort of the folders.
func coalesce(in []coalesceInput, limit int) (dirs []string, cover []string, ok bool) {
	es := make([]coalesceEntry, 0, len(in))
	top := 0
	for i, c := range in {
		root, end, good := folderSpan(c.url)
		if !good || root < 0 {
			continue
		}
		depth := strings.Count(c.url[root+1:end], "/")
		if depth < c.floor || depth == 0 {
			continue
		}
		es = append(es, coalesceEntry{in: int32(i), root: int32(root), end: int32(end), depth: int32(depth), floor: int32(c.floor)})
		top = max(top, depth)
	}
	cover = make([]string, len(in))
	if len(es) == 0 {
		return nil, cover, true
	}
	if limit <= 0 {
		return nil, nil, false
	}
	lv := newLevels(in, es)
	if lv.count(0) > limit {
		return nil, nil, false
	}
	lo, hi := 0, top // count(lo) <= limit
	for lo < hi {
		if mid := (lo + hi + 1) / 2; lv.count(mid) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lv.last != lo {
		lv.count(lo)
	}
	return lv.outermost(cover), cover, true
}

// levels finds the outermost folders of coalesce's entries at a level.
type levels struct {
	in    []coalesceInput
	es    []coalesceEntry
	order []int32 // indices of es, sorted by folder
	outer []int32 // for each entry, the entry whose folder is the outermost that holds its own
	last  int     // the level counted last
}

func newLevels(in []coalesceInput, es []coalesceEntry) *levels {
	lv := &levels{in: in, es: es, order: make([]int32, len(es)), outer: make([]int32, len(es))}
	for i := range lv.order {
		lv.order[i] = int32(i)
	}
	return lv
}

// count puts the entries at level t and returns how many outermost folders
// they have. Sorted, the folders inside a folder follow it, and a folder
// (ending in '/') is inside another exactly when the other is a prefix of
// it; so one pass over the sorted folders finds, for each, the outermost
// one that holds it.
func (lv *levels) count(t int) int {
	es := lv.es
	lv.last = t
	for i := range es {
		es[i].at(lv.in[es[i].in].url, t)
	}
	slices.SortFunc(lv.order, func(a, b int32) int { return strings.Compare(es[a].folder, es[b].folder) })
	n, cur := 0, int32(-1)
	for _, i := range lv.order {
		if cur < 0 || !strings.HasPrefix(es[i].folder, es[cur].folder) {
			cur = i
			n++
		}
		lv.outer[i] = cur
	}
	return n
}

// outermost returns the outermost folders of the entries at the last level
// counted, in the order they first appear as an entry's folder, and sets
// cover (indexed by coalesce's input) to the folder that covers each entry.
func (lv *levels) outermost(cover []string) []string {
	var dirs []string
	listed := make([]bool, len(lv.es))
	for i := range lv.es {
		e, o := &lv.es[i], lv.outer[i]
		cover[e.in] = lv.es[o].folder
		if e.folder == lv.es[o].folder && !listed[o] {
			listed[o] = true
			dirs = append(dirs, e.folder)
		}
	}
	return dirs
}
