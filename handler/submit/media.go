package submit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vodrefresh/handler/config"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// mediaOptions are the RefreshMediaPlayUrls options of a playUrls route.
func mediaOptions(w *config.WebhookRoute) vod.MediaOptions {
	return vod.MediaOptions{Formats: w.Formats, Definitions: w.Definitions, Slices: w.Slices}
}

// planned is the call a batch would make, in a dry run.
func planned(b refresh.Batch) vod.Call {
	call := vod.Call{ObjectType: b.ObjectType, Paths: b.Paths}
	if b.ObjectType == config.TypeMedia {
		o := mediaOptions(b.Route)
		call.Media, call.URLs = &o, b.URLs
	}
	return call
}

// notTaken lists the media IDs that sent Media calls did not refresh:
// VOD no longer knows them (deleted) or cannot refresh them.
func notTaken(calls []vod.Call) []string {
	var ids []string
	for _, c := range calls {
		if c.ObjectType == config.TypeMedia && c.Sent {
			ids = append(append(ids, c.NonExist...), c.Forbidden...)
		}
	}
	return ids
}

// fallback refreshes the folders of the media ids, which VOD did not take,
// as directories, in the same invocation: a deleted video's folder is the
// only way left to purge it. Fitting made their calls already
// (refresh.Fitted.FolderBatches). When the plan's quota is held in the
// ledger (held), the directories are held there first, as a plan's are,
// and the hold is settled with what went through; when the directories
// left cannot carry them, no call is made and each is failed with
// QuotaExceeded.Refresh.
func (inv *Invocation) fallback(ctx context.Context, f *refresh.Fitted, ids []string, held bool) []vod.Call {
	batches := f.FolderBatches(ids)
	dirs := 0
	for _, b := range batches {
		dirs += len(b.Paths)
	}
	if dirs == 0 {
		return nil
	}
	var hold *ledger.Reservation
	if held {
		var err error
		if hold, err = inv.holdDirs(ctx, dirs); err != nil {
			code := "QuotaExceeded.Refresh"
			if qe := (*refresh.QuotaError)(nil); !errors.As(err, &qe) {
				code = vod.CodeNotSent
			}
			fail := vod.Classify(&vod.APIError{Code: code})
			calls := make([]vod.Call, len(batches))
			for i, b := range batches {
				calls[i] = vod.Call{ObjectType: b.ObjectType, Paths: b.Paths, Error: &vod.CallError{Code: code, Outcome: fail.Outcome,
					Action: fail.Action, Message: fmt.Sprintf("not sent: the folders of videos VOD did not take: %v", err)}}
			}
			return calls
		}
	}
	calls := sendBatches(ctx, inv.client, batches, inv.s.opts.Backoff)
	inv.spend(ctx, calls, hold)
	return calls
}

// holdDirs holds dirs directories in the ledger, trying again while
// others take quota in between; a *refresh.QuotaError when what is left
// cannot carry them.
func (inv *Invocation) holdDirs(ctx context.Context, dirs int) (*ledger.Reservation, error) {
	l := inv.s.opts.Ledger
	room, err := l.Room(ctx)
	for try := 1; err == nil; try++ {
		if dirs > room.Dirs {
			return nil, &refresh.QuotaError{Pending: dirs, DirNeed: dirs, DirRemain: room.Dirs, URLRemain: room.URLs}
		}
		var hold *ledger.Reservation
		// Nothing was fitted to the room but the count of directories,
		// which the check above makes again: any room that covers it will do.
		if hold, room, err = l.Hold(ctx, store.Amount{Dirs: dirs}, store.Amount{}); hold != nil || err != nil {
			return hold, err
		}
		if try == ledger.MaxHoldTries {
			return nil, fmt.Errorf("the quota ledger: other invocations kept taking the quota (%d tries); retry", try)
		}
	}
	return nil, err
}

// follow reads the jobs of the Media calls (once, or with wait until they
// are done) and, with wait, waits for every refresh task: the calls'
// and those the jobs made, one per play URL. A job or task that failed
// is reported in a *vod.TaskError.
func (inv *Invocation) follow(ctx context.Context, calls []vod.Call, wait bool) ([]vod.Task, error) {
	var jobs []string
	for _, c := range calls {
		if c.JobID != "" && c.Sent {
			jobs = append(jobs, c.JobID)
		}
	}
	b := inv.s.opts.Backoff
	media, ids := vod.FollowMedia(ctx, inv.client, jobs, wait, b)
	if !wait {
		return media, nil
	}
	tasks, err := vod.WaitTasks(ctx, inv.client, append(taskIDs(calls), ids...), b)
	if su := (*vod.StatusUnknown)(nil); errors.As(err, &su) {
		// The refresh went through: nothing to retry, but the result
		// lists the tasks as the last query found them, or none.
		inv.log.Warn("refresh tasks not followed to their end", "error", su.Error())
		err = nil
	}
	var failed []vod.Task
	for _, t := range media {
		if _, f := vod.MediaDone(t.Status); f {
			failed = append(failed, t)
		}
	}
	if te := (*vod.TaskError)(nil); errors.As(err, &te) {
		failed = append(failed, te.Failed...)
	}
	if len(failed) > 0 {
		err = &vod.TaskError{Failed: failed}
	}
	return slices.Concat(media, tasks), err
}
