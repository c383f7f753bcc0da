package function

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"vodrefresh/handler/backlog"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
)

// plannerAlive is the store's key that says the planner of scarce days
// ran lately: the function's timer marks it on every run, for
// plannerAliveFor. Without it (no timer deployed, or none for minutes),
// no invocation defers its changes: nothing would plan them.
var plannerAlive = store.KeyOf("planner", "alive")

// plannerAliveFor is how long a run of the planner vouches for the next:
// three of the timer's one-minute ticks.
const plannerAliveFor = 3 * time.Minute

// deferIfScarce records plan's changes as pending and returns a
// *backlog.Deferred when the day is scarce (backlog.Scarce) and the
// planner runs; nil when the invocation is to refresh at once, as on any
// day. Only a deployment whose instances share a store plans scarce days.
func (h *Handler) deferIfScarce(ctx context.Context, plan *refresh.Plan, changed func(id string) time.Time, res *submit.Result, log *slog.Logger) error {
	if plan.Size() == 0 || len(plan.Media) > 0 || !h.plannerRuns(ctx) {
		return nil
	}
	n, err := h.store.PendingCount(ctx)
	if err != nil {
		return nil
	}
	l, err := h.store.Ledger(ctx)
	if err != nil {
		return nil
	}
	scarce, why := backlog.Scarce(l, n, store.Amount{URLs: len(plan.Files), Dirs: len(plan.Directories)}, h.now())
	if !scarce {
		return nil
	}
	items := h.pendingOf(plan, changed)
	if err := h.store.AddPending(ctx, items); err != nil {
		log.Warn("cannot record the changes as pending; FC keeps the event and retries it", "error", err.Error())
	}
	res.Pending = n + len(items)
	return &backlog.Deferred{Pending: len(items), Why: why}
}

// pendingOf is plan's paths as pending changes, one per event that asked
// for each, with the folder that may refresh a file in its place.
func (h *Handler) pendingOf(plan *refresh.Plan, changed func(id string) time.Time) []store.Pending {
	now := h.now()
	var out []store.Pending
	add := func(path string, dir bool) {
		folder := ""
		if !dir {
			folder = h.planner.CoverFolder(plan, path)
		}
		for _, id := range plan.Origins[path] {
			at := changed(id)
			if at.IsZero() || at.After(now) {
				at = now
			}
			out = append(out, store.Pending{ID: id, Path: path, Directory: dir, Folder: folder, Changed: at, Since: now})
		}
	}
	for _, f := range plan.Files {
		add(f, false)
	}
	for _, d := range plan.Directories {
		add(d, true)
	}
	return out
}

// asPlan is a decision of the planner as a plan to send, with the pending
// changes each directory covers.
func asPlan(d backlog.Decision) (*refresh.Plan, []refresh.Coalesced) {
	p := &refresh.Plan{Origins: map[string][]string{}}
	var coalesced []refresh.Coalesced
	for _, f := range d.Folders {
		p.Directories = append(p.Directories, f.Path)
		co := refresh.Coalesced{Directory: f.Path}
		for _, it := range f.Covers {
			p.Origins[it.Path] = append(p.Origins[it.Path], it.ID)
			if it.Path != f.Path {
				co.Paths = append(co.Paths, it.Path)
			}
		}
		if len(co.Paths) > 0 {
			coalesced = append(coalesced, co)
		}
	}
	for path, its := range d.URLs {
		p.Files = append(p.Files, path)
		for _, it := range its {
			p.Origins[path] = append(p.Origins[path], it.ID)
		}
	}
	slices.Sort(p.Files)
	return p, coalesced
}

// planDaysNote is what a timer run says in a deployment whose instances
// share no store.
const planDaysNote = "no shared store (REFRESH_STORE_URL): scarce days are planned per instance, each invocation on its own"
