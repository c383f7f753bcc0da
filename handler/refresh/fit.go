package refresh

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
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

// Fit fits a plan to the quota and returns the plan to submit, which may be
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
// A *QuotaError means the quota cannot cover the work.
func (pl *Planner) Fit(p *Plan, room Room) (*Plan, []Coalesced, error) {
	return pl.fitPlan(nil, p, room)
}

// fitPlan is Fit that stops with an error from c once c's context is done.
func (pl *Planner) fitPlan(c *clock, p *Plan, room Room) (*Plan, []Coalesced, error) {
	orig := p
	nested, err := nest(c, p.Files, p.Directories)
	if err != nil {
		return p, nil, err
	}
	if len(nested.dirs) > room.Dirs {
		// Playlists' folders fall back to URLs, which dense folders and
		// coalescing may then spend what directories are left on.
		if p = orig.withFallbacks(); p == nil {
			return orig, nil, quotaError(orig, room)
		}
		if nested, err = nest(c, p.Files, p.Directories); err != nil {
			return orig, nil, err
		}
		if len(nested.dirs) > room.Dirs {
			return orig, nil, quotaError(orig, room)
		}
	}
	// Dense folders first; when the directories they take leave the rest
	// too many URLs, fitting starts again without them, so that a few
	// shallower directories may cover it all.
	f, ok, err := pl.fit(c, p, nested.clone(), room, true)
	if err == nil && !ok {
		f, ok, err = pl.fit(c, p, nested, room, false)
	}
	switch {
	case err != nil:
		return orig, nil, err
	case !ok:
		return orig, nil, quotaError(orig, room)
	}
	if len(f.cover) == 0 && len(f.dirs) == len(p.Directories) {
		return p, nil, nil
	}
	return p.withDirectories(f.files, f.dirs), group(f.cover, p.Files, p.Directories), nil
}

// fit covers p's files left in f with directories (dense folders first,
// when dense is set), and reports whether what is left fits the room.
func (pl *Planner) fit(c *clock, p *Plan, f *fitting, room Room, dense bool) (*fitting, bool, error) {
	budget := min(room.Dirs-len(f.dirs), pl.cfg.Quota.MaxDirs())
	if dense {
		made, err := pl.dense(c, f, p, budget)
		if err != nil {
			return f, false, err
		}
		budget -= made
	}
	if len(f.files) > int(math.Floor(pl.cfg.Quota.Share()*float64(room.URLs))) {
		ok, err := pl.scarce(c, f, p, budget, room.URLs)
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
func nest(c *clock, files, dirs []string) (*fitting, error) {
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
		if err := c.tick("nesting directories", i+1, len(dirs)); err != nil {
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
		if err := c.tick("nesting files in directories", i+1, len(files)); err != nil {
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

// dense refreshes as one directory each folder in which at least
// quota.denseFolder files change, the largest first, at most budget of
// them; it returns how many it made.
func (pl *Planner) dense(c *clock, f *fitting, p *Plan, budget int) (int, error) {
	need := pl.cfg.Quota.Dense()
	if budget <= 0 || len(f.files) < need {
		return 0, nil
	}
	count := make(map[string]int, len(f.files))
	for i, path := range f.files {
		if dir, ok := pl.denseFolder(p, path); ok {
			count[dir]++
		}
		if err := c.tick("counting files by folder", i+1, len(f.files)); err != nil {
			return 0, err
		}
	}
	var folders []string
	for dir, n := range count {
		if n >= need {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 {
		return 0, nil
	}
	slices.SortFunc(folders, func(a, b string) int {
		return cmp.Or(count[b]-count[a], strings.Compare(a, b))
	})
	folders = folders[:min(len(folders), budget)]
	chosen := make(map[string]struct{}, len(folders))
	covered := 0
	for _, dir := range folders {
		chosen[dir] = struct{}{}
		covered += count[dir]
	}
	f.dirs = append(f.dirs, folders...)
	kept := make([]string, 0, len(f.files)-covered)
	for _, path := range f.files {
		dir, ok := pl.denseFolder(p, path)
		if _, in := chosen[dir]; ok && in {
			f.covers(path, dir, covered)
		} else {
			kept = append(kept, path)
		}
	}
	f.files = kept
	return len(folders), nil
}

// denseFolder returns the folder that holds a file path of p, and whether
// it may be refreshed in the file's place.
func (pl *Planner) denseFolder(p *Plan, path string) (string, bool) {
	dir, ok := fileFolder(path)
	return dir, ok && urlDepth(dir) >= max(p.floor(path), pl.minDepth())
}

// fileFolder returns the folder that holds a file URL, cut from its path
// alone (a query or fragment never makes one), and whether the URL may be
// covered by a folder at all: not when it has no path, nor when its path
// reads otherwise than it is written (see oddPath), since a folder of it
// might read as one far above.
func fileFolder(path string) (string, bool) {
	root, end, ok := folderSpan(path)
	if !ok || root < 0 || oddPath(path[root:end]) {
		return "", false
	}
	return path[:root+strings.LastIndexByte(path[root:end], '/')+1], true
}

// scarce covers the files with at most budget directories, as deep as
// possible, when what remains fits urls; it reports whether it did. A
// directory that would cover a single file is made only when the URLs
// cannot carry that file.
func (pl *Planner) scarce(c *clock, f *fitting, p *Plan, budget, urls int) (bool, error) {
	in := make([]coalesceInput, len(f.files))
	for i, path := range f.files {
		in[i] = coalesceInput{url: path, floor: max(p.floor(path), pl.minDepth())}
		if _, ok := fileFolder(path); !ok {
			in[i].floor = math.MaxInt32 // stays a URL
		}
		if err := c.tick("coalescing files into directories", i+1, len(f.files)); err != nil {
			return false, err
		}
	}
	dirs, cover, ok := coalesce(in, budget)
	if !ok {
		return false, nil
	}
	count := make(map[string]int, len(dirs))
	for _, d := range cover {
		if d != "" {
			count[d]++
		}
	}
	// A directory that covers a single file spends a directory to save one
	// URL: it is made only when the URLs cannot carry the rest, rather than
	// leave the file stale while directories remain.
	least, rest := 2, 0
	for _, d := range cover {
		if d == "" || count[d] < least {
			rest++
		}
	}
	if rest > urls {
		least, rest = 1, 0
		for _, d := range cover {
			if d == "" {
				rest++
			}
		}
	}
	for i, d := range cover {
		if d != "" && count[d] < least {
			cover[i] = ""
		}
	}
	if rest > urls {
		return false, nil
	}
	for _, d := range dirs {
		if count[d] >= least {
			f.dirs = append(f.dirs, d)
		}
	}
	kept := make([]string, 0, rest)
	for i, path := range f.files {
		if cover[i] != "" {
			f.covers(path, cover[i], len(cover)-rest)
		} else {
			kept = append(kept, path)
		}
	}
	f.files = kept
	return true, nil
}

// withDirectories returns a copy of p that refreshes files and dirs.
func (p *Plan) withDirectories(files, dirs []string) *Plan {
	if len(files) == 0 {
		files = nil
	}
	out := &Plan{Files: files, Skipped: p.Skipped, Warm: p.Warm, Wait: p.Wait, Origins: p.Origins, Done: p.Done, files: p.files}
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

func quotaError(p *Plan, room Room) error {
	return &QuotaError{Pending: p.Size(), URLRemain: room.URLs, URLNeed: len(p.Files), DirRemain: room.Dirs, DirNeed: len(p.Directories)}
}

// Quota is what Prepare fits a plan to. Hold calls fit with the room
// left and holds what fit says the fitted plan spends, in one atomic step,
// so that invocations planning at the same time cannot together spend more
// than their share or than is left. Prepare calls it only for a plan with
// paths.
type Quota interface {
	Hold(fit func(Room) (urls, dirs int, err error)) error
}

// Prepared is a plan fitted to the quota and split into calls.
type Prepared struct {
	Plan      *Plan // as fitted; the plan as made when fitting failed
	Coalesced []Coalesced
	Batches   []Batch
}

// Prepare fits p to the room that quota holds for it, and splits it into
// calls. A plan with no paths is returned as it is, without touching the
// quota. The error is quota's own, or a *QuotaError.
//
// Once ctx is done, fitting stops (see clock) with an error that wraps
// ctx's, context.DeadlineExceeded when its deadline passed, and names the
// stage; the plan is then p as it was given.
func (pl *Planner) Prepare(ctx context.Context, p *Plan, quota Quota) (*Prepared, error) {
	return pl.prepare(&clock{ctx: ctx}, p, quota)
}

func (pl *Planner) prepare(c *clock, p *Plan, quota Quota) (*Prepared, error) {
	if p.Size() == 0 {
		return &Prepared{Plan: p}, nil
	}
	prep := &Prepared{Plan: p}
	err := quota.Hold(func(room Room) (int, int, error) {
		fitted, coalesced, err := pl.fitPlan(c, p, room)
		prep.Plan, prep.Coalesced = fitted, coalesced
		return len(fitted.Files), len(fitted.Directories), err
	})
	if err == nil {
		prep.Batches = pl.Batches(prep.Plan)
	}
	return prep, err
}

// PlanOSSContext is PlanOSS that stops once ctx is done, within
// checkEvery records, with the plan so far and an error that wraps ctx's
// (see PrepareOSS).
func (pl *Planner) PlanOSSContext(ctx context.Context, records []event.ObjectEvent, memory Memory) (*Plan, error) {
	return pl.planOSS(&clock{ctx: ctx}, records, memory)
}

// PrepareOSS plans OSS records and prepares the plan: the whole of planning
// for one OSS event. Once ctx is done it stops within checkEvery records
// or paths (see clock), with an error that wraps ctx's,
// context.DeadlineExceeded when its deadline passed, and names the stage;
// the plan is then what was planned so far, and is not to be submitted.
func (pl *Planner) PrepareOSS(ctx context.Context, records []event.ObjectEvent, memory Memory, quota Quota) (*Prepared, error) {
	c := &clock{ctx: ctx}
	p, err := pl.planOSS(c, records, memory)
	if err != nil {
		return &Prepared{Plan: p}, err
	}
	return pl.prepare(c, p, quota)
}
