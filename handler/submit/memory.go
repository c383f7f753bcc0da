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
// the store answered yes to.
type answers map[question]bool

func (a answers) Submitted(id, path string) bool { return a[question{id, path}] }

// Recall plans with what earlier attempts of the events submitted, as the
// store remembers it, in one round trip: plan runs with a memory that
// notes every question and answers no; the questions go to the store at
// once; and when an earlier attempt submitted any of the paths, plan runs
// again with the store's answers. A store that cannot answer leaves the
// first plan standing: a path may then be submitted twice, never lost.
func (inv *Invocation) Recall(plan func(refresh.Memory) (*refresh.Plan, error)) (*refresh.Plan, error) {
	asked := &probe{}
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
	for i, yes := range seen {
		if yes {
			known[asked.asked[i]] = true
		}
	}
	if len(known) == 0 {
		return p, nil
	}
	return plan(known)
}

// remember records the paths that went through: those of the calls that
// were sent, and those that a sent directory covered, for every record
// that asked for them. failed names the paths whose tasks the CDN reported
// failed: they are not remembered, so that a retry refreshes them again.
func (inv *Invocation) remember(plan *refresh.Plan, calls []vod.Call, coalesced []refresh.Coalesced, failed map[string]bool) {
	var keys []store.Key
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
