// Package backlog plans scarce days, with the whole pending day in view.
// On a day whose changes would spend the quota faster than it lasts
// (Scarce), an invocation records its changes as pending in the store and
// leaves its event to FC (Deferred); the function's timer, every minute,
// decides for the backlog as a whole (Decide): a folder whose changes
// have settled gets one directory where that saves more URLs than the
// directory is worth, everything else gets URLs, and a reserve is kept for
// the rest of the quota day. Its decisions are plain functions of data:
// what is pending, what is left, and the time.
//
// It imports ledger (the quota day), store (what is pending, the ledger)
// and vod (the daily quota), and nothing else of vodrefresh.
package backlog

import (
	"fmt"
	"time"

	"vodrefresh/handler/ledger"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// minElapsed is the least part of the quota day that pacing reads the
// demand over: early in the day, a few changes are no trend.
const minElapsed = 8 * time.Hour

// Scarce reports whether an invocation that needs need would spend the
// day's quota faster than it lasts, and why: when changes already wait
// for the planner (they go first), or when the demand seen so far today
// (what the ledger says is spent and held, and need), paced over the
// hours to the reset, is more than what would be left. A ledger with no
// reading says nothing: it is not scarce.
func Scarce(l store.Ledger, pending int, need store.Amount, now time.Time) (bool, string) {
	if pending > 0 {
		return true, fmt.Sprintf("%d changes already wait for the planner, and go first", pending)
	}
	if !l.Have {
		return false, ""
	}
	elapsed := max(now.Sub(ledger.DayStart(now)), minElapsed)
	left := ledger.Reset(now).Sub(now)
	avail := l.Available()
	for _, q := range []struct {
		what               string
		daily, avail, need int
	}{
		{"URLs", max(vod.DailyURLQuota, l.Reading.URLRemain), avail.URLs, need.URLs},
		{"directories", max(vod.DailyDirQuota, l.Reading.DirRemain), avail.Dirs, need.Dirs},
	} {
		used := q.daily - q.avail + q.need
		projected := int(float64(used) * left.Hours() / elapsed.Hours())
		if q.need > 0 && projected > q.avail-q.need {
			return true, fmt.Sprintf("at today's pace, %d %s are needed before the reset, and %d would be left", projected, q.what, max(0, q.avail-q.need))
		}
	}
	return false, ""
}

// Deferred is an invocation whose changes wait for the planner: the day's
// quota is scarce. It fails the invocation, so that FC keeps the event
// (its retries, then the failure destination, then the queue); a retry
// succeeds once a refresh that covers its changes was accepted.
type Deferred struct {
	Pending int    // the changes recorded as pending
	Why     string // why the day is scarce
}

func (e *Deferred) Error() string {
	return fmt.Sprintf("deferred: the day's refresh quota is scarce (%s); %d changes wait for the planner, which refreshes the backlog as a whole every minute; "+
		"the retry succeeds once a refresh covers them", e.Why, e.Pending)
}
