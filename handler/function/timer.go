package function

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"vodrefresh/handler/backlog"
	"vodrefresh/handler/config"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// plannerLease names the lease that lets one timer run plan at a time.
const plannerLease = "planner"

// planBacklog is the timer's invocation: the planner of scarce days. It
// takes the lease (another instance's run planning at the same time
// leaves it be), says that it runs, reads the backlog and the quota,
// decides what to refresh (backlog.Decide), holds it in the ledger, sends
// it, remembers it, and takes what went through out of the backlog. What
// it could not send stays pending for the next run.
func (h *Handler) planBacklog(ctx context.Context) (*submit.Result, error) {
	res := &submit.Result{Shape: "timer", Calls: []vod.Call{}}
	if !h.planDays {
		res.Planner = &submit.PlannerRun{Note: planDaysNote}
		return res, nil
	}
	log := h.logger(ctx)
	holder := leaseHolder()
	ok, err := h.store.Lease(ctx, plannerLease, holder, leaseFor(ctx))
	switch {
	case err != nil:
		return res, fmt.Errorf("the planner's lease: %w", err)
	case !ok:
		res.Planner = &submit.PlannerRun{Note: "another instance's run is planning"}
		return res, nil
	}
	defer h.store.Release(store.Afterwork(ctx), plannerLease, holder)
	if err := h.store.Mark(ctx, []store.Key{plannerAlive}, plannerAliveFor); err != nil {
		log.Warn("cannot say that the planner runs; invocations refresh at once", "error", err.Error())
	}
	res.Planner = &submit.PlannerRun{}
	inv := h.stage.Begin(invocationSTS(ctx), log, res)
	f, err := h.followTasks(ctx, inv, log)
	if err != nil {
		log.Warn("cannot read how the refresh tasks ended; the next run reads them", "error", err.Error())
	}
	res.Planner.Tasks = &submit.TaskRun{Done: f.done, Open: f.open, Retried: len(f.retried), Failed: len(f.failed)}
	h.notifyTasks(ctx, f, log)
	items, err := h.store.Pending(ctx)
	if err != nil {
		return res, fmt.Errorf("the backlog: %w", err)
	}
	res.Pending = len(items)
	if len(items) == 0 {
		h.notifyDay(ctx, backlog.Decision{}, 0, log)
		return res, nil
	}
	d, hold, err := h.decide(ctx, inv, items)
	fitted := h.planner.Split(asPlan(d))
	if err != nil {
		return res, inv.Unplanned(fitted, err)
	}
	sent, err := inv.Send(ctx, fitted, hold)
	done := 0
	if !h.stage.DryRun() {
		h.history.Remember(ctx, fitted, sent.Calls, sent.At, err, log)
		h.audit(ctx, log, fitted.Plan, sent.Calls, causes{fallback: "planner:backlog"})
		done = h.dropDone(ctx, items, sent.Calls, d, log)
	}
	res.Pending -= done
	tasks := res.Planner.Tasks
	res.Planner = runOf(d)
	res.Planner.Tasks = tasks
	if !d.Until.IsZero() {
		res.DeferredUntil = &d.Until
	}
	h.notifyDay(ctx, d, res.Pending, log)
	return res, err
}

// decide reads the quota and decides, holding what the decision spends in
// the ledger; while others take quota between the reading and the hold, it
// decides again with what is left.
func (h *Handler) decide(ctx context.Context, inv *submit.Invocation, items []store.Pending) (backlog.Decision, *ledger.Reservation, error) {
	q, shared, err := inv.Quota(ctx)
	if err != nil {
		return backlog.Decision{}, nil, err
	}
	room := store.Amount{URLs: q.URLRemain, Dirs: q.DirRemain}
	if !shared {
		return backlog.Decide(items, room, h.now()), nil, nil
	}
	if room, err = h.ledger.Room(ctx); err != nil {
		return backlog.Decision{}, nil, err
	}
	for try := 1; ; try++ {
		q.URLRemain, q.DirRemain = room.URLs, room.Dirs
		d := backlog.Decide(items, room, h.now())
		need := store.Amount{URLs: len(d.URLs), Dirs: len(d.Folders)}
		if need == (store.Amount{}) {
			return d, nil, nil
		}
		fittedTo := room
		if try == ledger.MaxHoldTries {
			fittedTo = store.Amount{}
		}
		hold, left, err := h.ledger.Hold(ctx, need, fittedTo)
		switch {
		case hold != nil || err != nil:
			return d, hold, err
		case try == ledger.MaxHoldTries:
			return d, nil, fmt.Errorf("the quota ledger: other invocations kept taking the quota (%d tries); the next run plans again", try)
		}
		room = left
	}
}

// dropDone takes out of the backlog the changes that went through: their
// path was sent, or a directory that covers them was; it returns how many.
func (h *Handler) dropDone(ctx context.Context, items []store.Pending, calls []vod.Call, d backlog.Decision, log *slog.Logger) int {
	went := map[string]bool{}
	for _, c := range calls {
		if c.Sent {
			for _, p := range c.Paths {
				went[c.ObjectType+" "+p] = true
			}
		}
	}
	var done []store.Pending
	for _, f := range d.Folders {
		if went[config.TypeDirectory+" "+f.Path] {
			done = append(done, f.Covers...)
		}
	}
	for path, its := range d.URLs {
		if went[config.TypeFile+" "+path] {
			done = append(done, its...)
		}
	}
	if err := h.store.DropPending(store.Afterwork(ctx), done); err != nil {
		log.Warn("cannot take refreshed changes out of the backlog; the next run refreshes them again", "error", err.Error())
	}
	return len(done)
}

// runOf says what a decision refreshes and leaves.
func runOf(d backlog.Decision) *submit.PlannerRun {
	r := &submit.PlannerRun{Directories: len(d.Folders), URLs: len(d.URLs), Waiting: len(d.Waiting)}
	for _, f := range d.Folders {
		r.Covered += len(f.Covers)
	}
	return r
}

// leaseFor is how long the planner's lease lasts: the run's time left and
// a margin, or a minute without a deadline.
func leaseFor(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl) + 10*time.Second
	}
	return time.Minute
}

// leaseHolder names one run of the planner.
func leaseHolder() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
