package function

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"vodrefresh/handler/store"
)

// evictionEvery is how often an instance asks the store how many keys it
// evicted: one INFO stats per server, at most once a minute.
const evictionEvery = time.Minute

// evictionWatch remembers when an instance last asked the store about
// evictions, and what it was told.
type evictionWatch struct {
	mu     sync.Mutex
	asked  time.Time
	counts int64
}

// evictions says, once a minute at most, whether the shared store evicted
// keys since the instance last asked: every key the function writes has a
// TTL, so under maxmemory with a volatile-* or allkeys-* policy the server
// may drop dedupe, retry and ledger keys, and a replay or a retry may then
// be accepted again. It returns "" when nothing was evicted, the store
// cannot tell (in process memory), or it was asked less than a minute ago.
func (h *Handler) evictions(ctx context.Context, log *slog.Logger) string {
	c, ok := h.store.(store.Checker)
	if !ok {
		return ""
	}
	w := &h.evicted
	now := h.now()
	w.mu.Lock()
	if !w.asked.IsZero() && now.Sub(w.asked) < evictionEvery {
		w.mu.Unlock()
		return ""
	}
	first, since := w.asked.IsZero(), w.asked
	w.asked = now
	w.mu.Unlock()

	n, err := c.Evicted(store.Afterwork(ctx))
	if err != nil {
		return ""
	}
	w.mu.Lock()
	delta := n - w.counts
	w.counts = n
	w.mu.Unlock()
	if delta <= 0 {
		return ""
	}
	when := "since this instance started"
	if !first {
		when = "since " + since.UTC().Format(time.RFC3339)
	}
	note := fmt.Sprintf("the store evicted %d keys %s (maxmemory-policy): deliveries, retries or holds it forgot may be accepted or sent again", delta, when)
	log.Warn("store evictions", "evicted", delta, "note", note)
	return note
}
