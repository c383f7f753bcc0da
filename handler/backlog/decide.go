package backlog

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"vodrefresh/handler/ledger"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// QuietPeriod is how long a folder must go without a new change before
// the planner takes it as settled: long enough for a burst of writes (an
// upload, a re-export) to end, short enough that FC's first retries, a
// minute and two after the change, find it refreshed.
const QuietPeriod = 2 * time.Minute

// MaxWait is how long a change waits at most: a folder that keeps
// changing (a slow trickle) is refreshed all the same once its oldest
// pending change has waited this long, within FC's retries (1, 2 and 4
// minutes after the change).
const MaxWait = 5 * time.Minute

// ReserveShare is the share of the daily quota that the planner keeps for
// the rest of the quota day, paced: all of it a day before the reset,
// none at the reset.
const ReserveShare = 0.1

// Folder is a directory refresh the planner chose: the folder, and the
// pending changes it covers.
type Folder struct {
	Path    string
	Covers  []store.Pending
	Objects int // distinct objects among them: query variants of a path count once
}

// Decision is what one run of the planner refreshes, and what waits.
type Decision struct {
	Folders []Folder
	// URLs are the pending changes refreshed as URLs, by path: each
	// path once, with every change that asked for it.
	URLs map[string][]store.Pending
	// Waiting are the changes left for a later run: their folder has not
	// settled, or what is left today (less the reserve) cannot carry
	// them.
	Waiting []store.Pending
	// Until, when set, is when the quota that the waiting changes need
	// comes back: the next reset.
	Until time.Time
	// Room is what the planner allowed itself: what was left, less the
	// reserve.
	Room store.Amount
}

// Reserve returns what the planner keeps for the rest of the quota day
// at now: ReserveShare of the daily quota, paced over the hours left.
func Reserve(now time.Time) store.Amount {
	share := ReserveShare * ledger.Reset(now).Sub(now).Hours() / 24
	return store.Amount{
		URLs: int(math.Ceil(share * vod.DailyURLQuota)),
		Dirs: int(math.Ceil(share * vod.DailyDirQuota)),
	}
}

// group is the pending changes of one folder (or of one path, when no
// folder may refresh it).
type group struct {
	folder  string // "" when the changes may not be covered by a directory
	items   []store.Pending
	last    time.Time // the latest change
	first   time.Time // when the first was recorded
	objects int
}

// Par is what one directory is worth in URLs: the daily quotas' own
// ratio, 2,000 URLs to 100 directories.
const Par = vod.DailyURLQuota / vod.DailyDirQuota

// Decide chooses, for the changes pending at now and the quota left
// (room), what this run refreshes; what is left less the reserve bounds
// both URLs and directories.
//
// A folder is ready once it settled (no change for QuietPeriod), or once
// its oldest change waited MaxWait (a trickle, refreshed as URLs: a
// directory would refresh again what it refreshed a minute before); a
// change that no directory may cover is ready at once. A settled folder
// gets one directory when it holds at least Par distinct objects (query
// variants of a path are one), the largest first. When the URLs left
// cannot carry the rest, settled folders of two objects or more get
// directories too, the largest first, until they can. Every other ready
// change gets a URL, the longest waiting first. What is left waits for a
// later run; when today can carry no more, Until is the reset.
func Decide(items []store.Pending, room store.Amount, now time.Time) Decision {
	reserve := Reserve(now)
	d := Decision{URLs: map[string][]store.Pending{}, Room: store.Amount{URLs: max(0, room.URLs-reserve.URLs), Dirs: max(0, room.Dirs-reserve.Dirs)}}
	var settled, trickling []*group
	for _, g := range groups(items) {
		switch {
		case g.folder == "" || now.Sub(g.last) >= QuietPeriod:
			settled = append(settled, g)
		case now.Sub(g.first) >= MaxWait:
			trickling = append(trickling, g)
		default:
			d.Waiting = append(d.Waiting, g.items...)
		}
	}
	slices.SortFunc(settled, func(a, b *group) int {
		return cmp.Or(b.objects-a.objects, a.first.Compare(b.first), strings.Compare(a.folder, b.folder))
	})
	dirs := d.Room.Dirs
	var rest []*group
	for _, g := range settled {
		if g.folder != "" && g.objects >= Par && dirs > 0 {
			d.Folders = append(d.Folders, Folder{Path: g.folder, Covers: g.items, Objects: g.objects})
			dirs--
			continue
		}
		rest = append(rest, g)
	}
	// The URLs the rest needs, a path once; directories take the largest
	// folders while the URLs cannot carry it.
	need := 0
	for _, g := range append(slices.Clip(rest), trickling...) {
		need += g.paths()
	}
	var urlGroups []*group
	for _, g := range rest {
		if need > d.Room.URLs && g.folder != "" && g.objects >= 2 && dirs > 0 {
			d.Folders = append(d.Folders, Folder{Path: g.folder, Covers: g.items, Objects: g.objects})
			dirs--
			need -= g.paths()
			continue
		}
		urlGroups = append(urlGroups, g)
	}
	var loose []store.Pending
	for _, g := range append(urlGroups, trickling...) {
		loose = append(loose, g.items...)
	}
	slices.SortFunc(loose, func(a, b store.Pending) int { return cmp.Or(a.Since.Compare(b.Since), strings.Compare(a.Path, b.Path)) })
	urls := d.Room.URLs
	for _, it := range loose {
		if _, ok := d.URLs[it.Path]; ok {
			d.URLs[it.Path] = append(d.URLs[it.Path], it)
			continue
		}
		if it.Directory {
			if dirs > 0 {
				dirs--
				d.Folders = append(d.Folders, Folder{Path: it.Path, Covers: []store.Pending{it}, Objects: 1})
				continue
			}
		} else if urls > 0 {
			urls--
			d.URLs[it.Path] = []store.Pending{it}
			continue
		}
		d.Waiting = append(d.Waiting, it)
		d.Until = ledger.Reset(now)
	}
	return d
}

// paths counts the distinct paths of g's changes: the URLs it needs.
func (g *group) paths() int {
	seen := make(map[string]bool, len(g.items))
	for _, it := range g.items {
		seen[it.Path] = true
	}
	return len(seen)
}

// groups gathers the pending changes by the folder that may cover them,
// and each change that no folder may cover on its own.
func groups(items []store.Pending) []*group {
	byFolder := map[string]*group{}
	var out []*group
	objects := map[string]map[string]bool{}
	for _, it := range items {
		var g *group
		if it.Folder == "" || it.Directory {
			g = &group{}
			out = append(out, g)
		} else if g = byFolder[it.Folder]; g == nil {
			g = &group{folder: it.Folder}
			byFolder[it.Folder] = g
			objects[it.Folder] = map[string]bool{}
			out = append(out, g)
		}
		g.items = append(g.items, it)
		if g.last.IsZero() || it.Changed.After(g.last) {
			g.last = it.Changed
		}
		if g.first.IsZero() || it.Since.Before(g.first) {
			g.first = it.Since
		}
		if g.folder != "" {
			objects[g.folder][object(it.Path)] = true
			g.objects = len(objects[g.folder])
		} else {
			g.objects = 1
		}
	}
	return out
}

// object is a URL without its query or fragment: the object its query
// variants all name.
func object(url string) string {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		return url[:i]
	}
	return url
}
