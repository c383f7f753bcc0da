package refresh

import (
	"context"
	"slices"

	"vodrefresh/handler/config"
)

// Fitted is a plan fitted to the quota and split into calls: everything
// the submit stage sends, decided here, its fallbacks included, so that
// sending never comes back to the planner.
type Fitted struct {
	Plan      *Plan // as fitted; the plan as made when fitting failed
	Coalesced []Coalesced
	Batches   []Batch
	// URLs and Dirs are what the fitted plan spends of the quota.
	URLs, Dirs int

	split splitter // how the fallbacks' directories are split into calls
}

// Fit fits p to room and splits it into calls (see fitPlan for how it
// fits). A plan with no paths is returned as it is, with no calls. The
// error is a *QuotaError when room cannot carry the plan.
//
// Once ctx is done, fitting stops (see clock) with an error that wraps
// ctx's, context.DeadlineExceeded when its deadline passed, and names the
// stage; the plan is then p as it was given.
func (pl *Planner) Fit(ctx context.Context, p *Plan, room Room) (*Fitted, error) {
	f := &Fitted{Plan: p, split: pl.splitter()}
	if p.Size() == 0 {
		return f, nil
	}
	// The clock counts on from planning, as one stage.
	fitted, coalesced, err := pl.fitPlan(ctx, &clock{n: p.ticks}, p, room)
	f.Plan, f.Coalesced = fitted, coalesced
	if err != nil {
		return f, err
	}
	f.URLs, f.Dirs = len(fitted.Files)+fitted.mediaURLs(), len(fitted.Directories)
	f.Batches = f.split.batches(fitted)
	return f, nil
}

// FolderBatches returns the directory calls that replace the plan's media
// ids, which VOD did not take: each video's folders (see Media.Folders),
// split as the plan's directories are.
func (f *Fitted) FolderBatches(ids []string) []Batch {
	dirs := &Plan{}
	for _, m := range f.Plan.Media {
		if slices.Contains(ids, m.ID) {
			for _, d := range m.Folders {
				dirs.add(config.TypeDirectory, d)
			}
		}
	}
	return f.split.batches(dirs)
}

// Split makes the calls of a plan that is already fitted (the planner of
// scarce days fits the backlog itself): its batches, and what it spends.
// coalesced lists the paths that its directories cover.
func (pl *Planner) Split(p *Plan, coalesced []Coalesced) *Fitted {
	f := &Fitted{Plan: p, Coalesced: coalesced, split: pl.splitter()}
	f.URLs, f.Dirs = len(p.Files)+p.mediaURLs(), len(p.Directories)
	f.Batches = f.split.batches(p)
	return f
}

// CoverFolder returns the folder that may be refreshed as one directory
// in place of the file path of p: its own folder, when that lies within
// the rule's prefix and at the minimum depth or below; "" when none may.
func (pl *Planner) CoverFolder(p *Plan, path string) string {
	if dir, ok := pl.denseFolder(p, path); ok {
		return dir
	}
	return ""
}
