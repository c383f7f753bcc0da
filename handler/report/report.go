// Package report keeps and reads the figures of a quota day that
// `vodrefresh report` shows: the quota spent by hour and by what asked for
// it, the refresh tasks followed, and the backlog. The function counts as
// it refreshes (Spent, Tasks); Read puts a day together from the store
// that the deployment's instances share.
//
// It imports ledger (the quota day), store and vod (the daily quota), and
// nothing else of vodrefresh.
package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"vodrefresh/handler/ledger"
	"vodrefresh/handler/store"
)

// keptFor is how long a day's counters are kept: the day, and the next.
const keptFor = 48 * time.Hour

func spendKey(day string) store.Key { return store.KeyOf("report", "spend", day) }
func causeKey(day string) store.Key { return store.KeyOf("report", "cause", day) }
func tasksKey(day string) store.Key { return store.KeyOf("report", "tasks", day) }

// Spent counts urls and dirs spent at now for cause (what asked: its kind
// and source, such as "oss:media-bucket" or "webhook:/hooks/blog").
func Spent(ctx context.Context, st store.Store, now time.Time, cause string, urls, dirs int) error {
	if urls == 0 && dirs == 0 {
		return nil
	}
	day, h := ledger.Day(now), fmt.Sprintf("%02d", ledger.Hour(now))
	if err := st.Count(ctx, spendKey(day), map[string]int{h + " urls": urls, h + " dirs": dirs}, keptFor); err != nil {
		return err
	}
	return st.Count(ctx, causeKey(day), map[string]int{cause + " urls": urls, cause + " dirs": dirs}, keptFor)
}

// Tasks counts the refresh tasks that ended at now.
func Tasks(ctx context.Context, st store.Store, now time.Time, done, retried, failed int) error {
	if done+retried+failed == 0 {
		return nil
	}
	return st.Count(ctx, tasksKey(ledger.Day(now)), map[string]int{"done": done, "retried": retried, "failed": failed}, keptFor)
}

// Hour is the quota spent in one hour of the day (UTC+8).
type Hour struct {
	Hour int `json:"hour"`
	URLs int `json:"urls"`
	Dirs int `json:"dirs"`
}

// Spender is what asked for quota, and how much it got.
type Spender struct {
	Cause string `json:"cause"`
	URLs  int    `json:"urls"`
	Dirs  int    `json:"dirs"`
}

// Day is a quota day so far.
type Day struct {
	Day string `json:"day"`
	// Spent is what the function counted it spent today; Left what the
	// ledger says is left (URLs, directories), when it has a reading.
	Spent store.Amount  `json:"spent"`
	Left  *store.Amount `json:"left,omitempty"`
	Hours []Hour        `json:"hours"`
	Top   []Spender     `json:"top"`
	Tasks struct {
		Open    int `json:"open"`
		Done    int `json:"done"`
		Retried int `json:"retried"`
		Failed  int `json:"failed"`
	} `json:"tasks"`
	Pending int       `json:"pending"`
	Reset   time.Time `json:"reset"`
}

// maxTop is how many spenders a report names.
const maxTop = 10

// Read puts together the quota day that now falls in.
func Read(ctx context.Context, st store.Store, now time.Time) (*Day, error) {
	d, err := Counted(ctx, st, ledger.Day(now))
	if err != nil {
		return nil, err
	}
	d.Reset = ledger.Reset(now)
	if tracked, err := st.TrackedTasks(ctx); err == nil {
		d.Tasks.Open = len(tracked)
	}
	if d.Pending, err = st.PendingCount(ctx); err != nil {
		return nil, err
	}
	if l, err := st.Ledger(ctx); err == nil && l.Have {
		left := l.Available()
		d.Left = &left
	}
	return d, nil
}

// Counted returns what the function counted of the quota day day (its
// date in UTC+8): the quota spent, by hour and by what asked, and the
// tasks that ended.
func Counted(ctx context.Context, st store.Store, day string) (*Day, error) {
	d := &Day{Day: day, Hours: make([]Hour, 24)}
	spend, err := st.Counts(ctx, spendKey(day))
	if err != nil {
		return nil, err
	}
	for h := range d.Hours {
		d.Hours[h] = Hour{Hour: h, URLs: spend[fmt.Sprintf("%02d urls", h)], Dirs: spend[fmt.Sprintf("%02d dirs", h)]}
		d.Spent.URLs += d.Hours[h].URLs
		d.Spent.Dirs += d.Hours[h].Dirs
	}
	causes, err := st.Counts(ctx, causeKey(day))
	if err != nil {
		return nil, err
	}
	by := map[string]*Spender{}
	for f, n := range causes {
		i := strings.LastIndexByte(f, ' ')
		if i < 0 {
			continue
		}
		cause, unit := f[:i], f[i+1:]
		s := by[cause]
		if s == nil {
			s = &Spender{Cause: cause}
			by[cause] = s
		}
		if unit == "urls" {
			s.URLs += n
		} else {
			s.Dirs += n
		}
	}
	for _, s := range by {
		d.Top = append(d.Top, *s)
	}
	sortTop(d.Top)
	if len(d.Top) > maxTop {
		d.Top = d.Top[:maxTop]
	}
	tasks, err := st.Counts(ctx, tasksKey(day))
	if err != nil {
		return nil, err
	}
	d.Tasks.Done, d.Tasks.Retried, d.Tasks.Failed = tasks["done"], tasks["retried"], tasks["failed"]
	return d, nil
}

// sortTop orders spenders by what they spent (a directory weighs as
// many URLs as one is worth, 20), then by name.
func sortTop(top []Spender) {
	slices.SortFunc(top, func(a, b Spender) int {
		return cmp.Or(cmp.Compare(b.URLs+20*b.Dirs, a.URLs+20*a.Dirs), strings.Compare(a.Cause, b.Cause))
	})
}
