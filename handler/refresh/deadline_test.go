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

// A context that is done stops planning, at the first look, with an error
// that wraps its own and says where planning stopped; the plan so far is
// still there to account for skips, and nothing is batched.
func TestPlanningStopsWhenTimeRunsOut(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	recs := onePerFolder(3000)
	for _, tt := range []struct {
		name  string
		ctx   context.Context
		want  error
		msg   string
		holds int
	}{
		{"expired", expired, context.DeadlineExceeded, "refresh planning ran out of time while planning records, after 1024 of 3000", 0},
		{"cancelled", cancelled, context.Canceled, "refresh planning was cancelled while planning records, after 1024 of 3000", 0},
		// 3,000 records take two looks; the third is in fitting, 1,024
		// items after the second.
		{"expired while fitting", &expiresAfter{context.Background(), 2}, context.DeadlineExceeded,
			"refresh planning ran out of time while counting files by folder, after 72 of 3000", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			holds := 0
			prep, err := prepareOSS(tt.ctx, mustPlanner(t, planConfig), recs, plenty, &holds)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one wrapping %v that says %q", err, tt.want, tt.msg)
			}
			if holds != tt.holds {
				t.Errorf("the quota was held %d times, want %d", holds, tt.holds)
			}
			if prep == nil || prep.Plan == nil || prep.Batches != nil {
				t.Errorf("prepared %+v, want the plan so far and no batches", prep)
			}
		})
	}
}

// Fewer items than planning handles between two looks are planned in full
// even when the context is done: they take no time, and the submit stage
// answers for the deadline.
func TestSmallPlansAreNotStopped(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	prep, err := prepareOSS(expired, mustPlanner(t, planConfig), onePerFolder(checkEvery/4), plenty, nil)
	if err != nil || len(prep.Batches) == 0 {
		t.Fatalf("prepared %+v, error %v", prep, err)
	}
}

// Prepare, given a plan already made, looks at its context while fitting,
// inside the quota's hold.
func TestPrepareStopsWhenTimeRunsOut(t *testing.T) {
	pl := mustPlanner(t, planConfig)
	plan := pl.PlanOSS(onePerFolder(3000), nil)
	plan.add(config.TypeDirectory, "https://img.example.com/images/shelf-0/")
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	holds := 1 // Fit is the hold's fitting
	prep, err := pl.Fit(expired, plan, plenty)
	if !errors.Is(err, context.DeadlineExceeded) || holds != 1 ||
		!strings.Contains(err.Error(), "refresh planning ran out of time while nesting files in directories, after 1023 of 3000") {
		t.Fatalf("error %v after %d holds, want planning to run out of time while nesting", err, holds)
	}
	if prep.Plan != plan || prep.Batches != nil {
		t.Errorf("prepared %+v, want the plan given and no batches", prep)
	}
}
