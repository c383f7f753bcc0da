package vod

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Backoff sets how a call is retried within one invocation: exponential
// backoff with full jitter, never past the invocation's deadline.
type Backoff struct {
	Base     time.Duration // first delay's upper bound
	Cap      time.Duration // largest delay
	Attempts int           // tries per call, the first included
	// Slow is the first delay's upper bound for per-minute rate limits.
	Slow time.Duration
	// Poll is the first pause between queries of the tasks a plan waits
	// for (WaitTasks); it doubles up to 5 s. Zero means 500 ms.
	Poll time.Duration
}

// defaultBackoff is the retry policy for calls to VOD.
var defaultBackoff = Backoff{Base: 200 * time.Millisecond, Cap: 5 * time.Second, Attempts: DefaultAttempts, Slow: 5 * time.Second}

// DefaultAttempts is how many times the default policy tries a call.
const DefaultAttempts = 4

// orDefault returns b, or the default policy when b is the zero Backoff.
func (b Backoff) orDefault() Backoff {
	if b == (Backoff{}) {
		return defaultBackoff
	}
	return b
}

// delay returns the pause before try n+1 (n from 1).
func (b Backoff) delay(n int, slow bool) time.Duration {
	d := b.Base
	if slow {
		d = b.Slow
	}
	for i := 1; i < n && d < b.Cap; i++ {
		d *= 2
	}
	d = min(d, b.Cap)
	if d <= 0 {
		return 0
	}
	return rand.N(d) + 1
}

// Call is one RefreshVodObjectCaches call, or (ObjectType Media) one
// RefreshMediaPlayUrls call, made or (in a dry run) planned.
type Call struct {
	ObjectType string     `json:"objectType"`
	Paths      []string   `json:"paths"`
	Count      int        `json:"count,omitempty"` // how many paths, when Paths lists only the first
	Sent       bool       `json:"sent"`
	TaskIDs    []string   `json:"taskIds,omitempty"`
	RequestID  string     `json:"requestId,omitempty"`
	Attempts   int        `json:"attempts,omitempty"`
	Error      *CallError `json:"error,omitempty"`
	// A Media call's Paths are the media IDs it refreshed (or would);
	// those VOD did not take are in NonExist and Forbidden instead.
	JobID     string        `json:"jobId,omitempty"`
	NonExist  []string      `json:"nonExistMediaIds,omitempty"`
	Forbidden []string      `json:"forbiddenMediaIds,omitempty"`
	Media     *MediaOptions `json:"media,omitempty"`
	// URLs is what the quota counts for a Media call (MediaOptions.URLs
	// per media it refreshed, or would).
	URLs int `json:"urls,omitempty"`
}

// TypeMedia is the object type of a Call that refreshes media by ID.
const TypeMedia = "Media"

// typeDirectory is the object type of a directory refresh, as
// RefreshVodObjectCaches names it.
const typeDirectory = "Directory"

// Spent returns what the call spent of the daily quota: nothing unless it
// was sent; its directories, or its URLs (for a Media call, what the quota
// counts for its videos).
func (c Call) Spent() (urls, dirs int) {
	switch {
	case !c.Sent:
		return 0, 0
	case c.ObjectType == typeDirectory:
		return 0, len(c.Paths)
	case c.ObjectType == TypeMedia:
		return c.URLs, 0
	}
	return len(c.Paths), 0
}

// CallError is why a call's paths were not refreshed.
type CallError struct {
	Code       string  `json:"code"`
	HTTPStatus int     `json:"httpStatus,omitempty"`
	Outcome    Outcome `json:"outcome"`
	Message    string  `json:"message"`
	Action     string  `json:"action"`
	RequestID  string  `json:"requestId,omitempty"`
}

// CodeNotSent marks a call that was not made because an earlier one failed.
const CodeNotSent = "NotSent"

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Send makes one RefreshVodObjectCaches call for paths, retried with
// backoff while its failure is retryable and the next try would finish
// before ctx's deadline. A try that never left the process is not counted
// in Attempts. The zero Backoff is the default policy.
func Send(ctx context.Context, c Client, objectType string, paths []string, b Backoff) Call {
	call := &Call{ObjectType: objectType, Paths: paths}
	retry(ctx, call, b.orDefault(), "RefreshVodObjectCaches", func() error {
		reply, err := c.Refresh(ctx, call.ObjectType, call.Paths)
		call.TaskIDs, call.RequestID = reply.TaskIDs, reply.RequestID
		return err
	})
	return *call
}

// retry makes call through try, again with backoff while its failure is
// retryable and the next try would finish before ctx's deadline; try
// fills in what the call answered.
func retry(ctx context.Context, call *Call, b Backoff, action string, try func() error) {
	for {
		if ctx.Err() != nil {
			if call.Attempts == 0 {
				call.Error = callError(NotSent(action, "no time was left before the deadline"))
			}
			return
		}
		call.Attempts++
		err := try()
		if err == nil {
			call.Sent, call.Error = true, nil
			return
		}
		if ae, ok := AsAPIError(err); ok && ae.Unsent {
			call.Attempts-- // it never left the process
		}
		call.Error = callError(err)
		if !retryable(call.Error.Outcome) || call.Attempts >= b.Attempts || !retryNow(call.Error.Code) {
			return
		}
		d := b.delay(call.Attempts, call.Error.Code == "QuotaPerMinuteExceeded.Refresh")
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+100*time.Millisecond {
			return // the next try would not finish in time: leave it to FC's retry
		}
		if sleep(ctx, d) != nil {
			return
		}
	}
}

func retryable(o Outcome) bool { return o == Retry || o == Defer }

// retryNow reports whether a retryable failure is tried again within the
// invocation. A malformed success answer is not: VOD may have taken the
// call, so a second try at once may spend the quota twice, and whatever
// mangled the answer (a proxy, a gateway) would likely mangle the next.
// It is left to FC's retries, which the ledger's fresh reading informs.
func retryNow(code string) bool { return code != CodeMalformedAnswer }

// callError classifies a failed call's error.
func callError(err error) *CallError {
	ae, ok := AsAPIError(err)
	if !ok {
		ae = &APIError{Code: CodeTransport, Message: err.Error()}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			ae.Code = CodeTimeout
		}
	}
	f := Classify(ae)
	return &CallError{Code: ae.Code, HTTPStatus: ae.HTTPStatus, Outcome: f.Outcome, Message: ae.Message, Action: f.Action, RequestID: ae.RequestID}
}

// NotSent is the error of a call that never left the process: no time was
// left before the deadline. It counts no attempt.
func NotSent(action, why string) *APIError {
	return &APIError{Action: action, Code: CodeTimeout, Unsent: true, Message: "not sent: " + why}
}
