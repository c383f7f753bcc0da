package function

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
)

// deliveryID names a verified delivery for what the deployment remembers
// of it: its route, and what its verifier proved (or, when nothing names
// it, a random name of its own).
func deliveryID(rt *webhook.Route, proof webhook.Proof) string {
	if proof.Key != "" {
		return "hook:" + rt.Path + ":" + proof.Key
	}
	var b [8]byte
	rand.Read(b[:])
	return "hook:" + rt.Path + ":" + hex.EncodeToString(b[:])
}

// plannerRuns reports whether the deployment can keep a change for later:
// its instances share a store, and the planner's timer ran lately.
func (h *Handler) plannerRuns(ctx context.Context) bool {
	if !h.planDays {
		return false
	}
	alive, err := h.store.Seen(ctx, []store.Key{plannerAlive})
	return err == nil && alive[0]
}

// keep records what a delivery's refresh did not submit as pending, for
// the planner, and returns how many changes it recorded; false when the
// deployment cannot keep them (no shared store, or no planner running), or
// when what was not submitted is not paths (videos by ID).
func (h *Handler) keep(ctx context.Context, id string, plan *refresh.Plan, res *submit.Result, err error, now time.Time, log *slog.Logger) (int, bool) {
	if h.stage.DryRun() || !h.plannerRuns(ctx) {
		return 0, false
	}
	var items []store.Pending
	add := func(path string, dir bool) {
		items = append(items, store.Pending{ID: id, Path: path, Directory: dir, Changed: now, Since: now})
	}
	var te *vod.TaskError
	switch {
	case errors.As(err, &te):
		for _, t := range te.Failed {
			add(t.ObjectPath, t.ObjectType == config.TypeDirectory)
		}
	case len(res.Paths) > 0:
		for _, p := range res.Paths {
			switch {
			case p.Status != submit.StatusFailed:
			case p.ObjectType == config.TypeMedia:
				return 0, false
			default:
				add(p.Path, p.ObjectType == config.TypeDirectory)
			}
		}
	default:
		if len(plan.Media) > 0 {
			return 0, false
		}
		for _, f := range plan.Files {
			add(f, false)
		}
		for _, d := range plan.Directories {
			add(d, true)
		}
	}
	if len(items) == 0 {
		return 0, false
	}
	if err := h.store.AddPending(ctx, items); err != nil {
		log.Warn("cannot keep the delivery's refresh as pending", "error", err.Error())
		return 0, false
	}
	return len(items), true
}

// reason says in a few words why a refresh could not be submitted now.
func reason(err error) string {
	var qe *refresh.QuotaError
	var se *submit.Error
	var te *vod.TaskError
	switch {
	case errors.As(err, &qe):
		return "the refresh quota is short"
	case errors.As(err, &se):
		first := se.Failed()[0].Error
		return "VOD answered " + first.Code
	case errors.As(err, &te):
		return "the CDN reported the refresh task failed"
	case errors.Is(err, context.DeadlineExceeded):
		return "the answer's deadline came first"
	}
	return "the refresh could not be made"
}

// codeOf returns the VOD code and the action of a failed refresh, for the
// answer; "" for what VOD did not answer.
func codeOf(err error) (code, action string) {
	var qe *refresh.QuotaError
	var se *submit.Error
	switch {
	case errors.As(err, &qe):
		code = "QuotaExceeded.Refresh"
		return code, vod.Classify(&vod.APIError{Code: code}).Action
	case errors.As(err, &se):
		first := se.Failed()[0].Error
		return first.Code, first.Action
	}
	return "", ""
}

// maxLoggedPaths bounds the paths an ERROR line names.
const maxLoggedPaths = 100

// firstPaths returns the first maxLoggedPaths of paths.
func firstPaths(paths []string) []string { return paths[:min(len(paths), maxLoggedPaths)] }
