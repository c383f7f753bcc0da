package refresh

import (
	"fmt"
	"math"

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
// p itself. When the files exceed the share of the remaining URL quota that
// one invocation may spend, they are covered by directory refreshes, as deep
// as the directory quota and the per-event cap allow, never above each
// rule's prefix or the minimum depth; what was coalesced is returned. A
// *QuotaError means the quota cannot cover the work.
func (pl *Planner) Fit(p *Plan, room Room) (*Plan, []Coalesced, error) {
	dirRoom := room.Dirs - len(p.Directories)
	if dirRoom < 0 {
		return p, nil, quotaError(p, room)
	}
	q := pl.cfg.Quota
	allowed := int(math.Floor(q.Share() * float64(room.URLs)))
	if len(p.Files) <= allowed {
		return p, nil, nil
	}
	minDepth := q.MinDepth()
	if !pl.cfg.AllowRootDirectory {
		minDepth = max(minDepth, 1)
	}
	in := make([]coalesceInput, len(p.Files))
	for i, f := range p.Files {
		in[i] = coalesceInput{url: f, floor: max(p.floors[f], minDepth)}
	}
	dirs, cover, rest, ok := coalesce(in, min(dirRoom, q.MaxDirs()))
	if ok && len(rest) <= room.URLs {
		return p.withDirectories(rest, dirs), group(p.Files, cover), nil
	}
	if len(p.Files) <= room.URLs {
		return p, nil, nil // over the share, but it fits: refreshing beats leaving content stale
	}
	return p, nil, quotaError(p, room)
}

// withDirectories returns a copy of p whose files are files, with dirs added
// to its directories.
func (p *Plan) withDirectories(files, dirs []string) *Plan {
	out := &Plan{Files: files, Skipped: p.Skipped, Warm: p.Warm, Wait: p.Wait, floors: p.floors}
	for _, d := range p.Directories {
		out.add(config.TypeDirectory, d)
	}
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

// QuotaFunc reads the quota a plan is fitted to. Prepare calls it at most
// once, and only for a plan with paths.
type QuotaFunc func() (Room, error)

// Prepared is a plan fitted to the quota and split into calls.
type Prepared struct {
	Plan      *Plan // as fitted; the plan as made when fitting failed
	Coalesced []Coalesced
	Batches   []Batch
}

// Prepare fits p to the quota that quota reads and splits it into calls.
// A plan with no paths is returned as it is, without reading the quota. The
// error is quota's own, or a *QuotaError.
func (pl *Planner) Prepare(p *Plan, quota QuotaFunc) (*Prepared, error) {
	if p.Size() == 0 {
		return &Prepared{Plan: p}, nil
	}
	room, err := quota()
	if err != nil {
		return &Prepared{Plan: p}, err
	}
	fitted, coalesced, err := pl.Fit(p, room)
	if err != nil {
		return &Prepared{Plan: fitted}, err
	}
	return &Prepared{Plan: fitted, Coalesced: coalesced, Batches: pl.Batches(fitted)}, nil
}

// PrepareOSS plans OSS records and prepares the plan: the whole of planning
// for one OSS event.
func (pl *Planner) PrepareOSS(records []event.ObjectEvent, quota QuotaFunc) (*Prepared, error) {
	return pl.Prepare(pl.PlanOSS(records), quota)
}
