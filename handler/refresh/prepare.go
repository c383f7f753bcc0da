package refresh

import (
	"context"

	"vodrefresh/handler/event"
)

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

	pl *Planner
}

// FolderBatches returns the directory calls that replace the plan's media
// ids, which VOD did not take: each video's folders (see Media.Folders).
func (prep *Prepared) FolderBatches(ids []string) []Batch {
	if prep.pl == nil {
		return nil
	}
	return prep.pl.FolderBatches(prep.Plan, ids)
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
	prep := &Prepared{Plan: p, pl: pl}
	err := quota.Hold(func(room Room) (int, int, error) {
		fitted, coalesced, err := pl.fitPlan(c, p, room)
		prep.Plan, prep.Coalesced = fitted, coalesced
		return len(fitted.Files) + fitted.mediaURLs(), len(fitted.Directories), err
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
