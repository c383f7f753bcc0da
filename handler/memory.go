package handler

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// How much the instance remembers of what it submitted, and for how long:
// FC retries a failed asynchronous invocation within a day at most, and a
// queue's retry strategy brings a batch back for a day.
const (
	retryMemorySize   = 50000
	retryMemoryWindow = 24 * time.Hour
)

// retryMemory remembers, per instance and for a window, the paths that were
// submitted for each event identity (event.ObjectEvent.ID), so that the
// retry of an invocation whose last call failed submits only what is left.
// It is a bounded LRU whose entries expire; it is safe for concurrent use.
type retryMemory struct {
	lru *expirable.LRU[string, struct{}]
}

func newRetryMemory(size int, window time.Duration) *retryMemory {
	return &retryMemory{lru: expirable.NewLRU[string, struct{}](size, nil, window)}
}

func memoryKey(id, path string) string { return id + "\x00" + path }

// Submitted reports whether path was submitted for the event id.
func (m *retryMemory) Submitted(id, path string) bool {
	_, ok := m.lru.Get(memoryKey(id, path))
	return ok
}

// record remembers the paths that went through: those of the calls that
// were sent, and those that a sent directory covered, for every record
// that asked for them.
func (m *retryMemory) record(plan *refresh.Plan, calls []vod.Call, coalesced []refresh.Coalesced) {
	sent := map[string]bool{}
	for _, c := range calls {
		if c.Sent {
			for _, path := range c.Paths {
				sent[path] = true
				m.remember(plan, path)
			}
		}
	}
	for _, co := range coalesced {
		if sent[co.Directory] {
			for _, path := range co.Paths {
				m.remember(plan, path)
			}
		}
	}
}

func (m *retryMemory) remember(plan *refresh.Plan, path string) {
	for _, id := range plan.Origins[path] {
		m.lru.Add(memoryKey(id, path), struct{}{})
	}
}
