package history

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// folderMargin is how much earlier than a directory refresh was accepted a
// change must be made for that refresh to count as covering it: OSS's
// clock and the function's may differ, and a change made while the refresh
// was under way may be missed by it.
const folderMargin = 2 * time.Second

// enclosingFolders yields the folders that hold the object at url,
// outermost first, each ending in '/' and a slice of url: "https://h/a/",
// "https://h/a/b/" for "https://h/a/b/c.jpg". The domain's root is not
// among them.
func enclosingFolders(url string) iter.Seq[string] {
	return func(yield func(string) bool) {
		scheme := strings.Index(url, "://")
		if scheme < 0 {
			return
		}
		root := strings.IndexByte(url[scheme+3:], '/')
		if root < 0 {
			return
		}
		root += scheme + 3
		end := len(url)
		if i := strings.IndexAny(url[root:], "?#"); i >= 0 {
			end = root + i
		}
		for i := root + 1; i < end; i++ {
			if url[i] == '/' && !yield(url[:i+1]) {
				return
			}
		}
	}
}

// coverage answers, for a question of the retry memory, whether a
// directory refreshed after the change already covers its path: the
// folder memory, shared by the deployment's instances through the store.
type coverage struct {
	at      map[string]time.Time   // when each folder's refresh was accepted
	changed func(string) time.Time // when each event's change was made, by event ID; nil knows none
}

// when returns when the change of the event id was made; zero when it is
// not known.
func (c coverage) when(id string) time.Time {
	if c.changed == nil {
		return time.Time{}
	}
	return c.changed(id)
}

// cover returns the folder whose refresh, accepted after the change of the
// event id, covers path, and when it was accepted; "" when none does or
// the change's time is not known.
func (c coverage) cover(id, path string) (string, time.Time) {
	t := c.when(id)
	if t.IsZero() {
		return "", time.Time{}
	}
	for f := range enclosingFolders(path) {
		if at, ok := c.at[f]; ok && t.Before(at.Add(-folderMargin)) {
			return f, at
		}
	}
	return "", time.Time{}
}

// burst is how long after a folder's directory refresh a change in it is
// held back, when the URLs are spent: long enough for a burst of writes
// into the folder (an upload, a re-export) to end, so that the next
// directory refresh covers all of it, not one file each.
const burst = time.Minute

// recent returns the folder of path that was refreshed as a directory
// less than burst before now, but before the change of the event id; ""
// when none was.
func (c coverage) recent(id, path string, now time.Time) string {
	t := c.when(id)
	for f := range enclosingFolders(path) {
		if at, ok := c.at[f]; ok && now.Sub(at) < burst && (t.IsZero() || !t.Before(at.Add(-folderMargin))) {
			return f
		}
	}
	return ""
}

// Deferred is an invocation held back to fold its changes into one
// directory refresh: the URLs are spent, and each of its paths lies in a
// folder that was refreshed as a directory moments ago, before the
// change. It fails the invocation, so that FC retries it once the burst
// is over, when one refresh of the folder covers the burst's changes.
type Deferred struct {
	Folder string
	At     time.Time
}

func (e *Deferred) Error() string {
	return fmt.Sprintf("deferred: the day's URLs are spent and %s was refreshed as a directory at %s, before this change; "+
		"the retry refreshes the folder once for all the changes made meanwhile", e.Folder, e.At.UTC().Format(time.RFC3339))
}

// why says why a covered path needs no refresh.
func why(folder string, at time.Time) string {
	return fmt.Sprintf("the directory refresh of %s, accepted at %s after this change, covers it", folder, at.UTC().Format(time.RFC3339))
}

// lookupFolders reads, from the folder memory, when the folders of the
// questions' paths were last refreshed as directories.
func (h *History) lookupFolders(ctx context.Context, asked []refresh.Question, log *slog.Logger) map[string]time.Time {
	seen := map[string]bool{}
	var all []string
	for _, q := range asked {
		for f := range enclosingFolders(q.Path) {
			if !seen[f] {
				seen[f] = true
				all = append(all, f)
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	at, err := h.store.Folders(ctx, all)
	if err != nil {
		log.Warn("cannot read which folders were refreshed; refreshing as if none was", "error", err.Error())
		return nil
	}
	return at
}

// recordFolders records the directories that went through, as accepted
// at sent.
func (h *History) recordFolders(ctx context.Context, calls []vod.Call, sent time.Time, log *slog.Logger) {
	var dirs []string
	for _, c := range calls {
		if c.Sent && c.ObjectType == config.TypeDirectory {
			dirs = append(dirs, c.Paths...)
		}
	}
	if len(dirs) == 0 {
		return
	}
	if err := h.store.RecordFolders(ctx, dirs, sent, memoryWindow); err != nil {
		log.Warn("cannot remember the folders refreshed as directories", "error", err.Error())
	}
}
