package submit

import (
	"errors"
	"fmt"
	"slices"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
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
// only way left to purge it. The directories are held in the quota ledger
// first, as a plan's are, and the hold is settled with what went through;
// when the directories left cannot carry them, no call is made and each
// is failed with QuotaExceeded.Refresh.
func (inv *Invocation) fallback(prep *refresh.Prepared, ids []string) []vod.Call {
	batches := prep.FolderBatches(ids)
	dirs := 0
	for _, b := range batches {
		dirs += len(b.Paths)
	}
	if dirs == 0 {
		return nil
	}
	var hold *reservation
	if inv.holding != nil {
		var err error
		hold, err = inv.s.quota.Hold(inv.ctx, func(avail vod.Quota) (int, int, error) {
			if dirs > avail.DirRemain {
				return 0, 0, &refresh.QuotaError{Pending: dirs, DirNeed: dirs, DirRemain: avail.DirRemain, URLRemain: avail.URLRemain}
			}
			return 0, dirs, nil
		})
		if err != nil {
			code := "QuotaExceeded.Refresh"
			if qe := (*refresh.QuotaError)(nil); !errors.As(err, &qe) {
				code = vod.CodeNotSent
			}
			f := vod.Classify(&vod.APIError{Code: code})
			calls := make([]vod.Call, len(batches))
			for i, b := range batches {
				calls[i] = vod.Call{ObjectType: b.ObjectType, Paths: b.Paths, Error: &vod.CallError{Code: code, Outcome: f.Outcome,
					Action: f.Action, Message: fmt.Sprintf("not sent: the folders of videos VOD did not take: %v", err)}}
			}
			return calls
		}
	}
	calls := sendBatches(inv.ctx, inv.client, batches, inv.s.opts.Backoff)
	inv.spend(calls, hold)
	return calls
}

// follow reads the jobs of the Media calls (once, or with wait until they
// are done) and, with wait, waits for every refresh task: the calls'
// and those the jobs made, one per play URL. A job or task that failed
// is reported in a *vod.TaskError.
func (inv *Invocation) follow(calls []vod.Call, wait bool) ([]vod.Task, error) {
	var jobs []string
	for _, c := range calls {
		if c.JobID != "" && c.Sent {
			jobs = append(jobs, c.JobID)
		}
	}
	b := inv.s.opts.Backoff
	media, ids := vod.FollowMedia(inv.ctx, inv.client, jobs, wait, b)
	if !wait {
		return media, nil
	}
	tasks, err := vod.WaitTasks(inv.ctx, inv.client, append(taskIDs(calls), ids...), b)
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
