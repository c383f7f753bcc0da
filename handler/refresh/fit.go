package refresh

import (
	"cmp"
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
// p itself, and the paths that its directories cover. Three things make
// directories of files, each within the rules' prefixes, the minimum depth
// and the per-event cap:
//   - a planned directory covers the files and directories inside it;
//   - a folder in which the invocation changes at least quota.denseFolder
//     files is refreshed as one directory, as long as directories remain;
//   - when the files exceed the share of the remaining URL quota that one
//     invocation may spend, they are covered by directories as deep as the
//     directory quota allows, never by one that covers a single file.
//
// A *QuotaError means the quota cannot cover the work.
func (pl *Planner) Fit(p *Plan, room Room) (*Plan, []Coalesced, error) {
	if len(nest(p.Files, p.Directories).dirs) > room.Dirs {
		return p, nil, quotaError(p, room)
	}
	// Dense folders first; when the directories they take leave the rest
	// too many URLs, fitting starts again without them, so that a few
	// shallower directories may cover it all.
	f, ok := pl.fit(p, room, true)
	if !ok {
		if f, ok = pl.fit(p, room, false); !ok {
			return p, nil, quotaError(p, room)
		}
	}
	if len(f.cover) == 0 && len(f.dirs) == len(p.Directories) {
		return p, nil, nil
	}
	return p.withDirectories(f.files, f.dirs), group(append(slices.Clone(p.Files), p.Directories...), f.cover), nil
}

// fit covers p's files with directories (dense folders first, when dense
// is set), and reports whether what is left fits the room.
func (pl *Planner) fit(p *Plan, room Room, dense bool) (*fitting, bool) {
	f := nest(p.Files, p.Directories)
	budget := min(room.Dirs-len(f.dirs), pl.cfg.Quota.MaxDirs())
	if dense {
		budget -= pl.dense(f, p.floors, budget)
	}
	if len(f.files) > int(math.Floor(pl.cfg.Quota.Share()*float64(room.URLs))) {
		return f, pl.scarce(f, p.floors, budget, room.URLs) || len(f.files) <= room.URLs
	}
	return f, true
}

// fitting is a plan being fitted: the files still refreshed as URLs, the
// directories refreshed, and what each covered path is covered by.
type fitting struct {
	files []string
	dirs  []string
	cover map[string]string
}

// nest drops the files and directories that a planned directory covers.
func nest(files, dirs []string) *fitting {
	f := &fitting{cover: map[string]string{}}
	planned := make(map[string]bool, len(dirs))
	for _, d := range dirs {
		planned[d] = true
	}
	keep := func(path string, self bool) bool {
		if d := enclosing(path, planned, self); d != "" {
			f.cover[path] = d
			return false
		}
		return true
	}
	for _, d := range dirs {
		if keep(d, false) {
			f.dirs = append(f.dirs, d)
		}
	}
	for _, path := range files {
		if keep(path, true) {
			f.files = append(f.files, path)
		}
	}
	return f
}

// enclosing returns the outermost folder of set that holds path ("" when
// none does); self says whether path's own folder counts.
func enclosing(path string, set map[string]bool, self bool) string {
	base, segs, ok := splitDirs(path)
	if !ok {
		return ""
	}
	n := len(segs)
	if !self {
		n-- // a directory is not enclosed by itself
	}
	for i := 0; i <= n; i++ {
		d := base + "/"
		if i > 0 {
			d += strings.Join(segs[:i], "/") + "/"
		}
		if set[d] {
			return d
		}
	}
	return ""
}

// dense refreshes as one directory each folder in which at least
// quota.denseFolder files change, the largest first, at most budget of
// them; it returns how many it made.
func (pl *Planner) dense(f *fitting, floors map[string]int, budget int) int {
	byFolder := map[string][]string{}
	for _, path := range f.files {
		if dir := path[:strings.LastIndexByte(path, '/')+1]; urlDepth(dir) >= max(floors[path], pl.minDepth()) {
			byFolder[dir] = append(byFolder[dir], path)
		}
	}
	var folders []string
	for dir, paths := range byFolder {
		if len(paths) >= pl.cfg.Quota.Dense() {
			folders = append(folders, dir)
		}
	}
	slices.SortFunc(folders, func(a, b string) int {
		return cmp.Or(len(byFolder[b])-len(byFolder[a]), strings.Compare(a, b))
	})
	folders = folders[:min(len(folders), max(budget, 0))]
	for _, dir := range folders {
		for _, path := range byFolder[dir] {
			f.cover[path] = dir
		}
		f.dirs = append(f.dirs, dir)
	}
	f.files = slices.DeleteFunc(f.files, func(path string) bool { _, ok := f.cover[path]; return ok })
	return len(folders)
}

// scarce covers the files with at most budget directories, as deep as
// possible, when what remains fits urls; it reports whether it did. A
// directory that would cover a single file is not made: it would spend a
// directory to save one URL.
func (pl *Planner) scarce(f *fitting, floors map[string]int, budget, urls int) bool {
	in := make([]coalesceInput, len(f.files))
	for i, path := range f.files {
		in[i] = coalesceInput{url: path, floor: max(floors[path], pl.minDepth())}
	}
	dirs, cover, rest, ok := coalesce(in, budget)
	if !ok {
		return false
	}
	count := map[string]int{}
	for _, d := range cover {
		count[d]++
	}
	for path, d := range cover {
		if count[d] < 2 {
			delete(cover, path)
			rest = append(rest, path)
		}
	}
	if len(rest) > urls {
		return false
	}
	for _, d := range dirs {
		if count[d] >= 2 {
			f.dirs = append(f.dirs, d)
		}
	}
	maps.Copy(f.cover, cover)
	f.files = slices.DeleteFunc(f.files, func(path string) bool { _, ok := cover[path]; return ok })
	return true
}

// withDirectories returns a copy of p that refreshes files and dirs.
func (p *Plan) withDirectories(files, dirs []string) *Plan {
	if len(files) == 0 {
		files = nil
	}
	out := &Plan{Files: files, Skipped: p.Skipped, Warm: p.Warm, Wait: p.Wait, Origins: p.Origins, Done: p.Done, floors: p.floors}
	for _, d := range dirs {
		out.add(config.TypeDirectory, d)
	}
	return out
}

// group lists the covered files by the directory that covers them, in the
// order of files.
func group(files []string, cover map[string]string) []Coalesced {
	var out []Coalesced
	idx := map[string]int{}
	for _, f := range files {
		d, covered := cover[f]
		if !covered {
			continue
		}
		if _, seen := idx[d]; !seen {
			idx[d] = len(out)
			out = append(out, Coalesced{Directory: d})
		}
		out[idx[d]].Paths = append(out[idx[d]].Paths, f)
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
func (pl *Planner) Prepare(p *Plan, quota Quota) (*Prepared, error) {
	if p.Size() == 0 {
		return &Prepared{Plan: p}, nil
	}
	prep := &Prepared{Plan: p}
	err := quota.Hold(func(room Room) (int, int, error) {
		fitted, coalesced, err := pl.Fit(p, room)
		prep.Plan, prep.Coalesced = fitted, coalesced
		return len(fitted.Files), len(fitted.Directories), err
	})
	if err == nil {
		prep.Batches = pl.Batches(prep.Plan)
	}
	return prep, err
}

// PrepareOSS plans OSS records and prepares the plan: the whole of planning
// for one OSS event.
func (pl *Planner) PrepareOSS(records []event.ObjectEvent, memory Memory, quota Quota) (*Prepared, error) {
	return pl.Prepare(pl.PlanOSS(records, memory), quota)
}
