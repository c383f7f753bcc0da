package refresh

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"vodrefresh/handler/config"
)

// Room is the quota a plan is fitted to: what remains of today's URL and
// directory refreshes.
type Room struct {
	URLs int
	Dirs int
}

// Coalesced records file URLs that one directory refresh covers instead.
type Coalesced struct {
	Directory string   `json:"directory"`
	Paths     []string `json:"paths"`
	// Count is how many paths the directory covers, when a result lists
	// only the first of them.
	Count int `json:"count,omitempty"`
}

// QuotaError is work that neither quota can cover.
type QuotaError struct {
	Pending            int
	URLRemain, URLNeed int
	DirRemain, DirNeed int
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("refresh quota exhausted: %d paths pending (URLs: %d needed, %d left; directories: %d needed, %d left); "+
		"they are refreshed when the invocation is retried after the quota resets at midnight (UTC+8), or replay the event",
		e.Pending, e.URLNeed, e.URLRemain, e.DirNeed, e.DirRemain)
}

// fitPlan fits a plan to the quota and returns the plan to submit, which may be
// p itself, and the paths that its directories cover. When p's directories
// outnumber those left, each directory planned for a playlist's folder
// gives way to the playlists' URLs and those of the new segments the
// records named in it (see Plan.withFallbacks): a plan fails for want of
// directories only when URLs cannot carry it. Three things make
// directories of files, each within the rules' prefixes, the minimum depth
// and the per-event cap:
//   - a planned directory covers the files and directories inside it;
//   - a folder in which the invocation changes at least quota.denseFolder
//     files is refreshed as one directory, as long as directories remain;
//   - when the files exceed the share of the remaining URL quota that one
//     invocation may spend, they are covered by directories as deep as the
//     directory quota allows; by one that covers a single file only when
//     the URLs left cannot carry that file.
//
// A *QuotaError means the quota cannot cover the work. It stops with an
// error from c once ctx is done.
func (pl *Planner) fitPlan(ctx context.Context, c *clock, p *Plan, room Room) (*Plan, []Coalesced, error) {
	orig := p
	// The media come first: what the quota counts for them is fixed, and
	// the paths are fitted to the URLs they leave.
	full := room
	if room.URLs -= p.mediaURLs(); room.URLs < 0 {
		return orig, nil, quotaError(orig, full)
	}
	nested, err := nest(ctx, c, p.Files, p.Directories)
	if err != nil {
		return p, nil, err
	}
	if len(nested.dirs) > room.Dirs {
		// Playlists' folders fall back to URLs, which dense folders and
		// coalescing may then spend what directories are left on.
		if p = orig.withFallbacks(); p == nil {
			return orig, nil, quotaError(orig, full)
		}
		if nested, err = nest(ctx, c, p.Files, p.Directories); err != nil {
			return orig, nil, err
		}
		if len(nested.dirs) > room.Dirs {
			return orig, nil, quotaError(orig, full)
		}
	}
	// Dense folders first; when the directories they take leave the rest
	// too many URLs, fitting starts again without them, so that a few
	// shallower directories may cover it all.
	f, ok, err := pl.fit(ctx, c, p, nested.clone(), room, true)
	if err == nil && !ok {
		f, ok, err = pl.fit(ctx, c, p, nested, room, false)
	}
	switch {
	case err != nil:
		return orig, nil, err
	case !ok:
		return orig, nil, quotaError(orig, full)
	}
	if len(f.cover) == 0 && len(f.dirs) == len(p.Directories) {
		return p, nil, nil
	}
	return p.withDirectories(f.files, f.dirs), group(f.cover, p.Files, p.Directories), nil
}

// fit covers p's files left in f with directories (dense folders first,
// when dense is set), and reports whether what is left fits the room.
func (pl *Planner) fit(ctx context.Context, c *clock, p *Plan, f *fitting, room Room, dense bool) (*fitting, bool, error) {
	budget := min(room.Dirs-len(f.dirs), pl.cfg.Quota.MaxDirs())
	if dense {
		made, err := pl.dense(ctx, c, f, p, budget)
		if err != nil {
			return f, false, err
		}
		budget -= made
	}
	if len(f.files) > int(math.Floor(pl.cfg.Quota.Share()*float64(room.URLs))) {
		ok, err := pl.scarce(ctx, c, f, p, budget, room.URLs)
		return f, ok || len(f.files) <= room.URLs, err
	}
	return f, true, nil
}

// fitting is a plan being fitted: the files still refreshed as URLs, the
// directories refreshed, and what each covered path is covered by. files
// may be the plan's own slice: it is replaced, never changed in place.
type fitting struct {
	files []string
	dirs  []string
	cover map[string]string
}

func (f *fitting) clone() *fitting {
	return &fitting{files: f.files, dirs: slices.Clone(f.dirs), cover: maps.Clone(f.cover)}
}

// covers records that dir covers path; n is how many paths are about to
// be recorded, to size the record once.
func (f *fitting) covers(path, dir string, n int) {
	if f.cover == nil {
		f.cover = make(map[string]string, n)
	}
	f.cover[path] = dir
}

// nest drops the files and directories that a planned directory covers. It
// looks each path's folders up among the planned directories, from the
// outermost down, as slices of the path.
func nest(ctx context.Context, c *clock, files, dirs []string) (*fitting, error) {
	f := &fitting{}
	if len(dirs) == 0 {
		f.files = files
		return f, nil
	}
	planned := make(map[string]struct{}, len(dirs))
	for _, d := range dirs {
		planned[d] = struct{}{}
	}
	f.dirs = make([]string, 0, len(dirs))
	for i, d := range dirs {
		if o := enclosing(d, planned, false); o != "" {
			f.covers(d, o, 0)
		} else {
			f.dirs = append(f.dirs, d)
		}
		if err := c.tick(ctx, "nesting directories", i+1, len(dirs)); err != nil {
			return nil, err
		}
	}
	f.files = make([]string, 0, len(files))
	for i, path := range files {
		if o := enclosing(path, planned, true); o != "" {
			f.covers(path, o, 0)
		} else {
			f.files = append(f.files, path)
		}
		if err := c.tick(ctx, "nesting files in directories", i+1, len(files)); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// enclosing returns the outermost folder of set that holds path ("" when
// none does); self says whether path's own folder counts. The folders are
// looked up as slices of path, so none is built.
func enclosing(path string, set map[string]struct{}, self bool) string {
	root, end, ok := folderSpan(path)
	switch {
	case !ok:
		return ""
	case root < 0:
		// No path at all: a file's own folder is the domain root.
		if _, in := set[path+"/"]; self && in {
			return path + "/"
		}
		return ""
	}
	own := root + strings.LastIndexByte(path[root:end], '/') // closes path's own folder
	for i := root; i >= 0 && (i < own || self && i == own); i = nextFolder(path, i, end) {
		if _, in := set[path[:i+1]]; in {
			return path[:i+1]
		}
	}
	return ""
}

// withDirectories returns a copy of p that refreshes files and dirs.
func (p *Plan) withDirectories(files, dirs []string) *Plan {
	if len(files) == 0 {
		files = nil
	}
	out := &Plan{Files: files, Skipped: p.Skipped, Warm: p.Warm, Wait: p.Wait, Origins: p.Origins, Done: p.Done, Media: p.Media, files: p.files}
	for _, d := range dirs {
		out.add(config.TypeDirectory, d)
	}
	return out
}

// group lists the covered paths by the directory that covers them, in the
// order of files, then dirs.
func group(cover map[string]string, files, dirs []string) []Coalesced {
	if len(cover) == 0 {
		return nil
	}
	// Directories in the order they first cover a path, and how many
	// each covers; then the paths, each list made at its size.
	var out []Coalesced
	var sizes []int
	idx := map[string]int{}
	for _, list := range [][]string{files, dirs} {
		for _, path := range list {
			if d, covered := cover[path]; covered {
				i, seen := idx[d]
				if !seen {
					i = len(out)
					idx[d] = i
					out = append(out, Coalesced{Directory: d})
					sizes = append(sizes, 0)
				}
				sizes[i]++
			}
		}
	}
	for i := range out {
		out[i].Paths = make([]string, 0, sizes[i])
	}
	for _, list := range [][]string{files, dirs} {
		for _, path := range list {
			if d, covered := cover[path]; covered {
				out[idx[d]].Paths = append(out[idx[d]].Paths, path)
			}
		}
	}
	return out
}

// quotaError is the error of a plan that room cannot carry.
func quotaError(p *Plan, room Room) error {
	return &QuotaError{Pending: p.Size(), URLRemain: room.URLs, URLNeed: len(p.Files) + p.mediaURLs(), DirRemain: room.Dirs, DirNeed: len(p.Directories)}
}
