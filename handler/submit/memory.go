package submit

import (
	"context"
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

// question is one question planning put to a memory: was path submitted
// for the event id?
type question struct{ id, path string }

// probe is the memory a first planning pass runs with: it notes every
// question and answers no.
type probe struct{ asked []question }

func (p *probe) Submitted(id, path string) bool {
	p.asked = append(p.asked, question{id, path})
	return false
}

// answers is the memory a second planning pass runs with: the questions
// the store answered yes to, each with its reason ("" for a path an
// earlier attempt submitted).
type answers map[question]string

func (a answers) Submitted(id, path string) bool {
	_, ok := a[question{id, path}]
	return ok
}

// Why says why a path needs no refresh, when a directory covers it.
func (a answers) Why(id, path string) string { return a[question{id, path}] }

// Recall plans with what the deployment remembers, in two round trips to
// the store at most: which paths earlier attempts of the events submitted
// (the retry memory), and which folders were refreshed as directories
// after the events' changes (the folder memory; changed gives the time of
// each event's change, zero when unknown; records is how many records
// the plan reads, to size what is asked). plan runs with a memory that
// notes every question and answers no; the questions go to the store at
// once; and when the store knows any path is done, plan runs again with
// its answers. A store that cannot answer leaves the first plan standing:
// a path may then be refreshed twice, never lost.
//
// When the day's URLs are spent and every path still to refresh lies in a
// folder refreshed as a directory less than a minute ago, before its
// change, Recall returns a *Deferred: the invocation fails, and FC's retry
// refreshes the folder once for the whole burst of changes.
func (inv *Invocation) Recall(records int, changed func(id string) time.Time, plan func(refresh.Memory) (*refresh.Plan, error)) (*refresh.Plan, error) {
	asked := &probe{asked: make([]question, 0, records)}
	p, err := plan(asked)
	if err != nil || len(asked.asked) == 0 {
		return p, err
	}
	keys := make([]store.Key, len(asked.asked))
	for i, q := range asked.asked {
		keys[i] = memoryKey(q.id, q.path)
	}
	seen, err := inv.s.store.Seen(inv.ctx, keys)
	if err != nil {
		inv.log.Warn("cannot read what earlier attempts submitted; planning as for a first attempt", "error", err.Error())
		return p, nil
	}
	known := answers{}
	cov := coverage{at: inv.lookupFolders(asked.asked), changed: changed}
	var hold *Deferred
	holdAll := true
	now := inv.s.opts.Now()
	for i, q := range asked.asked {
		switch f, at := cov.cover(q.id, q.path); {
		case seen[i]:
			known[q] = ""
		case f != "":
			known[q] = why(f, at)
		default:
			if r := cov.recent(q.id, q.path, now); r != "" && hold == nil {
				hold = &Deferred{Folder: r, At: cov.at[r]}
			} else if r == "" {
				holdAll = false
			}
		}
	}
	if hold != nil && holdAll && inv.urlsSpent() {
		return p, hold
	}
	if len(known) == 0 {
		return p, nil
	}
	return plan(known)
}

// urlsSpent reports whether the ledger says no URL is left today.
func (inv *Invocation) urlsSpent() bool {
	l, err := inv.s.store.Ledger(inv.ctx)
	return err == nil && l.Have && l.Available().URLs == 0
}

// remember records the paths that went through: those of the calls that
// were sent, and those that a sent directory covered, for every record
// that asked for them. failed names the paths whose tasks the CDN reported
// failed: they are not remembered, so that a retry refreshes them again.
func (inv *Invocation) remember(plan *refresh.Plan, calls []vod.Call, coalesced []refresh.Coalesced, failed map[string]bool) {
	n := 0
	for _, c := range calls {
		n += len(c.Paths)
	}
	keys := make([]store.Key, 0, n)
	add := func(path string) {
		if failed[path] {
			return
		}
		for _, id := range plan.Origins[path] {
			keys = append(keys, memoryKey(id, path))
		}
	}
	sent := map[string]bool{} // the directories that went through
	for _, c := range calls {
		if !c.Sent {
			continue
		}
		for _, path := range c.Paths {
			sent[path] = c.ObjectType == config.TypeDirectory
			add(path)
		}
	}
	for _, co := range coalesced {
		if sent[co.Directory] && !failed[co.Directory] {
			for _, path := range co.Paths {
				add(path)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	if err := inv.s.store.Mark(context.WithoutCancel(inv.ctx), keys, memoryWindow); err != nil {
		inv.log.Warn("cannot remember what this attempt submitted; a retry may submit it again", "error", err.Error())
	}
}
