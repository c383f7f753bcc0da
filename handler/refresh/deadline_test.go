package refresh

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/config"
)

// expiresAfter is a context whose deadline passes once Err has been asked
// n times: planning that looks at it is stopped at a known point, with no
// clock involved.
type expiresAfter struct {
	context.Context
	n int
}

func (c *expiresAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// countingQuota has plenty of room and counts the plans it fits.
type countingQuota struct{ holds int }

func (q *countingQuota) Hold(fit func(Room) (int, int, error)) error {
	q.holds++
	_, _, err := fit(plenty)
	return err
}

// A context that is done stops planning with an error that wraps its own
// and says where planning stopped; the quota is not held, and the plan
// (what was planned so far) is still there to account for skips.
func TestPlanningStopsWhenTimeRunsOut(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	recs := onePerFolder(3000)
	for _, tt := range []struct {
		name string
		ctx  context.Context
		recs int
		want error
		msg  string
	}{
		{"expired before planning", expired, 3000, context.DeadlineExceeded, "ran out of time while planning records, at 0 of 3000"},
		{"cancelled before planning", cancelled, 3000, context.Canceled, "was cancelled while planning records, at 0 of 3000"},
		{"expired between looks", &expiresAfter{context.Background(), 1}, 3000, context.DeadlineExceeded, "planning records, at 1024 of 3000"},
		{"expired before fitting", &expiresAfter{context.Background(), 1}, 10, context.DeadlineExceeded, "ran out of time while fitting the plan to the quota"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := &countingQuota{}
			prep, err := mustPlanner(t, planConfig).PrepareOSS(tt.ctx, recs[:tt.recs], nil, q)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one wrapping %v that says %q", err, tt.want, tt.msg)
			}
			if q.holds != 0 {
				t.Errorf("the quota was held %d times", q.holds)
			}
			if prep == nil || prep.Plan == nil || prep.Batches != nil {
				t.Errorf("prepared %+v, want the plan so far and no batches", prep)
			}
		})
	}
}

// Prepare and fitting look at the context too: a plan already made is not
// fitted once its time has run out.
func TestPrepareStopsWhenTimeRunsOut(t *testing.T) {
	pl := mustPlanner(t, planConfig)
	plan := pl.PlanOSS(onePerFolder(3000), nil)
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	q := &countingQuota{}
	prep, err := pl.Prepare(expired, plan, q)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "refresh planning ran out of time while fitting") || q.holds != 0 {
		t.Fatalf("error %v after %d holds, want planning to run out of time before holding the quota", err, q.holds)
	}
	if prep.Plan != plan {
		t.Error("the plan returned is not the plan given")
	}
	// Inside the quota's hold: nesting looks every checkEvery paths (once
	// for the directory, then at files 0 and 1024).
	plan.add(config.TypeDirectory, "https://img.example.com/images/shelf-0/")
	_, _, err = pl.fitPlan(&expiresAfter{context.Background(), 2}, plan, plenty)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "nesting files in directories, at 1024 of 3000") {
		t.Fatalf("fitting: error %v", err)
	}
}
