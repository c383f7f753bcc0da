package submit

import (
	"crypto/sha256"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// How much the instance remembers of what it submitted, and for how long:
// FC retries a failed asynchronous invocation within a day at most, and a
// queue's retry strategy brings a batch back for a day.
const (
	memorySize   = 50000
	memoryWindow = 24 * time.Hour
)

// memoryKey names one path submitted for one event: 16 bytes of the
// SHA-256 of the event's identity and the path, whatever their lengths.
// A collision would need 2^64 entries.
type memoryKey [16]byte

// keyOf returns the key of path for the event id; buf is scratch space,
// returned for reuse.
func keyOf(buf []byte, id, path string) (memoryKey, []byte) {
	buf = append(append(append(buf[:0], id...), 0), path...)
	sum := sha256.Sum256(buf)
	return memoryKey(sum[:16]), buf
}

// memory remembers, per instance and for a window, the paths that were
// submitted for each event identity (event.ObjectEvent.ID), so that the
// retry of an invocation whose last call failed submits only what is left.
// It is a bounded LRU whose entries expire; it is safe for concurrent use.
// It is the refresh.Memory that planning consults.
type memory struct {
	lru *expirable.LRU[memoryKey, struct{}]
}

// newMemory returns a memory of at most size entries, each kept for window.
func newMemory(size int, window time.Duration) *memory {
	return &memory{lru: expirable.NewLRU[memoryKey, struct{}](size, nil, window)}
}

// Submitted reports whether path was submitted for the event id.
func (m *memory) Submitted(id, path string) bool {
	var scratch [256]byte
	k, _ := keyOf(scratch[:0], id, path)
	_, ok := m.lru.Get(k)
	return ok
}

// record remembers the paths that went through: those of the calls that
// were sent, and those that a sent directory covered, for every record
// that asked for them. failed names the paths whose tasks the CDN reported
// failed: they are not remembered, so that a retry refreshes them again.
func (m *memory) record(plan *refresh.Plan, calls []vod.Call, coalesced []refresh.Coalesced, failed map[string]bool) {
	var buf []byte
	remember := func(path string) {
		if failed[path] {
			return
		}
		for _, id := range plan.Origins[path] {
			var k memoryKey
			k, buf = keyOf(buf, id, path)
			m.lru.Add(k, struct{}{})
		}
	}
	sent := map[string]bool{} // the directories that went through
	for _, c := range calls {
		if !c.Sent {
			continue
		}
		for _, path := range c.Paths {
			sent[path] = c.ObjectType == config.TypeDirectory
			remember(path)
		}
	}
	for _, co := range coalesced {
		if sent[co.Directory] && !failed[co.Directory] {
			for _, path := range co.Paths {
				remember(path)
			}
		}
	}
}
