// Package history is what the deployment remembers of earlier attempts
// and refreshes, through the store its instances share: which paths each
// event already submitted (the retry memory: FC retries a failed
// invocation, and a queue redelivers a failed batch, with the same events)
// and which folders were refreshed as directories, and when (the folder
// memory). Recall reads it once, as data for planning (refresh.Seen);
// Remember writes what an invocation's calls did.
//
// It imports config (object types), refresh (the questions planning asks
// and the plan it remembers), store and vod (the calls it remembers).
package history

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// memoryWindow is how long the deployment remembers what an event
// submitted: FC retries a failed asynchronous invocation within a day at
// most, and the queue trigger retries a batch for a day. It outlasts the
// midnight (UTC+8) quota reset on purpose: a batch retried after midnight
// would otherwise spend its URLs again, once a day.
const memoryWindow = 24 * time.Hour

// memoryKey names one path submitted for one event (event.ObjectEvent.ID).
func memoryKey(id, path string) store.Key { return store.KeyOf("submitted", id, path) }

// History reads and writes what the deployment remembers. It is safe for
// concurrent use.
type History struct {
	store store.Store
	now   func() time.Time
}

// New returns the History kept in st; now is the clock.
func New(st store.Store, now func() time.Time) *History {
	return &History{store: st, now: now}
}

// Recall answers the questions a plan asked (refresh.Plan.Asked) from
// what the deployment remembers, in two round trips to the store at most:
// which paths earlier attempts of the events submitted (the retry
// memory), and which folders were refreshed as directories after the
// events' changes (the folder memory; changed gives the time of each
// event's change, by event ID, or the zero time where it is not known;
// nil knows none). A store that cannot
// answer answers nothing: a path may then be refreshed twice, never lost.
//
// When every path still to refresh lies in a folder refreshed as a
// directory less than a minute ago, before its change, it returns a
// *Deferred too: if the day's URLs are spent (the caller asks the
// ledger), the invocation fails with it, and FC's retry refreshes the
// folder once for the whole burst of changes.
func (h *History) Recall(ctx context.Context, asked []refresh.Question, changed func(id string) time.Time, log *slog.Logger) (refresh.Seen, *Deferred) {
	if len(asked) == 0 {
		return nil, nil
	}
	keys := make([]store.Key, len(asked))
	for i, q := range asked {
		keys[i] = memoryKey(q.ID, q.Path)
	}
	seen, err := h.store.Seen(ctx, keys)
	if err != nil {
		log.Warn("cannot read what earlier attempts submitted; planning as for a first attempt", "error", err.Error())
		return nil, nil
	}
	known := refresh.Seen{}
	cov := coverage{at: h.lookupFolders(ctx, asked, log), changed: changed}
	var hold *Deferred
	holdAll := true
	now := h.now()
	for i, q := range asked {
		switch f, at := cov.cover(q.ID, q.Path); {
		case seen[i]:
			known[q] = ""
		case f != "":
			known[q] = why(f, at)
		default:
			if r := cov.recent(q.ID, q.Path, now); r != "" && hold == nil {
				hold = &Deferred{Folder: r, At: cov.at[r]}
			} else if r == "" {
				holdAll = false
			}
		}
	}
	if !holdAll {
		hold = nil
	}
	return known, hold
}

// Remember records what an invocation's calls did: the directories that
// went through, as accepted at sent (the time before the calls were made,
// so that no change made after a refresh is taken as covered by it); and
// the paths that went through (sent, or covered by a directory that was),
// for every record that asked for them. The paths of the tasks that err
// (a *vod.TaskError) reports failed are not remembered, so that a retry
// refreshes them again.
func (h *History) Remember(ctx context.Context, f *refresh.Fitted, calls []vod.Call, sent time.Time, err error, log *slog.Logger) {
	ctx = store.Deferrable(ctx)
	h.recordFolders(ctx, calls, sent, log)
	failed := failedPaths(err)
	n := 0
	for _, c := range calls {
		n += len(c.Paths)
	}
	keys := make([]store.Key, 0, n)
	add := func(path string) {
		if failed[path] {
			return
		}
		for _, id := range f.Plan.Origins[path] {
			keys = append(keys, memoryKey(id, path))
		}
	}
	went := map[string]bool{} // the directories that went through
	for _, c := range calls {
		if !c.Sent {
			continue
		}
		dir := c.ObjectType == config.TypeDirectory
		for _, path := range c.Paths {
			if dir {
				went[path] = true
			}
			add(path)
		}
	}
	for _, co := range f.Coalesced {
		if went[co.Directory] && !failed[co.Directory] {
			for _, path := range co.Paths {
				add(path)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	if err := h.store.Mark(ctx, keys, memoryWindow); err != nil {
		log.Warn("cannot remember what this attempt submitted; a retry may submit it again", "error", err.Error())
	}
}

// failedPaths names the paths of the tasks that err reports failed.
func failedPaths(err error) map[string]bool {
	var te *vod.TaskError
	if !errors.As(err, &te) {
		return nil
	}
	out := make(map[string]bool, len(te.Failed))
	for _, t := range te.Failed {
		out[t.ObjectPath] = true
	}
	return out
}
